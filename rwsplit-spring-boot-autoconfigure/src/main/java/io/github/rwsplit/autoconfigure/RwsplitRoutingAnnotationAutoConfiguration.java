package io.github.rwsplit.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.transaction.ConfigurableTransactionManager;

import io.github.rwsplit.annotation.ReadRetryAdvisor;
import io.github.rwsplit.annotation.ReadRetryInterceptor;
import io.github.rwsplit.annotation.RoutingAnnotationAdvisor;
import io.github.rwsplit.annotation.RoutingAnnotationInterceptor;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * Turns {@code @ReadReplica} and {@code @Primary} into routing scopes, and tells the router when
 * each transaction begins: the advisor runs just outside the transaction interceptor, and a
 * {@code RoutingTransactionListener} is registered with every transaction manager.
 */
@AutoConfiguration(after = RwsplitDataSourceAutoConfiguration.class)
@ConditionalOnClass(ConfigurableTransactionManager.class)
@ConditionalOnBean(RwsplitDataSource.class)
public final class RwsplitRoutingAnnotationAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static RoutingAnnotationAdvisor rwsplitRoutingAnnotationAdvisor(Environment environment,
			ObjectProvider<WriteBarrier> writeBarrier) {
		// Advisors are created early; read the one setting needed without initialising the properties bean.
		String defaultGroup = Binder.get(environment)
			.bind(RwsplitProperties.PREFIX + ".default-group", String.class)
			.orElse(new RwsplitProperties().getDefaultGroup());
		return new RoutingAnnotationAdvisor(new RoutingAnnotationInterceptor(defaultGroup, writeBarrier::getIfAvailable));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = RwsplitProperties.PREFIX + ".routing", name = "retry-reads", matchIfMissing = true)
	static ReadRetryAdvisor rwsplitReadRetryAdvisor() {
		// Outside the routing scopes and the transaction: a second run begins a new transaction.
		return new ReadRetryAdvisor(new ReadRetryInterceptor());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static RoutingTransactionListenerRegistrar rwsplitRoutingTransactionListenerRegistrar() {
		return new RoutingTransactionListenerRegistrar();
	}

	@Bean
	@Lazy(false)
	RoutingAnnotationVerifier rwsplitRoutingAnnotationVerifier(ConfigurableListableBeanFactory beanFactory,
			ObjectProvider<DataSource> dataSources, ObjectProvider<WriteBarrier> writeBarrier) {
		ReadWriteRoutingDataSource router = RouterLookup.router(dataSources);
		Map<String, Integer> groupSizes = new HashMap<>();
		router.getReplicas().forEach((replica) -> groupSizes.merge(replica.group(), 1, Integer::sum));
		return new RoutingAnnotationVerifier(beanFactory, router.view().configuredGroups(),
				writeBarrier.getIfAvailable() != null, groupSizes, router.getTopology().defaultGroup());
	}

}
