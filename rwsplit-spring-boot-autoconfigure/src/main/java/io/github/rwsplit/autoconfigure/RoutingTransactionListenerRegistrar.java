package io.github.rwsplit.autoconfigure;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.util.ClassUtils;

import io.github.rwsplit.routing.RoutingTransactionListener;
import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * Registers a {@link RoutingTransactionListener} with every transaction manager whose
 * transactions run on the routing DataSource — a JDBC transaction manager over it, or a JPA one
 * whose EntityManagerFactory uses it — including those the application defines itself, once each
 * and ahead of other listeners (so that a listener running SQL in {@code afterBegin} already sees
 * the route). Transaction managers for other resources (Kafka, JMS, reactive, another DataSource)
 * are left alone: their transactions say nothing about where this DataSource's work should go.
 */
class RoutingTransactionListenerRegistrar implements BeanPostProcessor {

	private static final boolean JPA_PRESENT = ClassUtils.isPresent("org.springframework.orm.jpa.EntityManagerFactoryInfo",
			RoutingTransactionListenerRegistrar.class.getClassLoader());

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ConfigurableTransactionManager manager && bean instanceof ResourceTransactionManager resource
				&& runsOnRouter(resource.getResourceFactory()) && manager.getTransactionExecutionListeners()
					.stream()
					.noneMatch(RoutingTransactionListener.class::isInstance)) {
			List<TransactionExecutionListener> listeners = new ArrayList<>();
			listeners.add(new RoutingTransactionListener());
			listeners.addAll(manager.getTransactionExecutionListeners());
			manager.setTransactionExecutionListeners(listeners);
		}
		return bean;
	}

	static boolean runsOnRouter(Object resourceFactory) {
		if (resourceFactory instanceof DataSource dataSource) {
			return isRouter(dataSource);
		}
		return JPA_PRESENT && resourceFactory instanceof EntityManagerFactoryInfo info && info.getDataSource() != null
				&& isRouter(info.getDataSource());
	}

	private static boolean isRouter(DataSource dataSource) {
		if (dataSource instanceof RwsplitDataSource) {
			return true;
		}
		try {
			return dataSource.isWrapperFor(RwsplitDataSource.class);
		}
		catch (SQLException ex) {
			return false;
		}
	}

}
