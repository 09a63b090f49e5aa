package io.github.rwsplit.autoconfigure;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.transaction.ConfigurableTransactionManager;

import io.github.rwsplit.routing.RoutingTransactionListener;

/**
 * Registers a {@link RoutingTransactionListener} with every transaction manager bean, including
 * those the application defines itself, exactly once each.
 */
class RoutingTransactionListenerRegistrar implements BeanPostProcessor {

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ConfigurableTransactionManager manager && manager.getTransactionExecutionListeners()
			.stream()
			.noneMatch(RoutingTransactionListener.class::isInstance)) {
			manager.addListener(new RoutingTransactionListener());
		}
		return bean;
	}

}
