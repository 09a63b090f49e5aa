package io.github.rwsplit.autoconfigure;

import java.util.IdentityHashMap;
import java.util.Map;

import io.micrometer.context.ContextRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

import io.github.rwsplit.consistency.ConsistencyContextAccessor;
import io.github.rwsplit.routing.RoutingScopeAccessor;

/**
 * Registers rwsplit's thread-local accessors with Micrometer's {@link ContextRegistry} when
 * {@code rwsplit.context-propagation.enabled} is on and the context-propagation library is on the
 * classpath: whatever propagates context through it (Spring's
 * {@code ContextPropagatingTaskDecorator} on an executor, Reactor) then carries the session's
 * consistency token ({@link ConsistencyContextAccessor}) and the routing scope
 * ({@link RoutingScopeAccessor}) to the work. Off by default: without it only
 * {@code ConsistencyContext.wrap} carries the token.
 */
@AutoConfiguration
@ConditionalOnClass(ContextRegistry.class)
@ConditionalOnProperty(prefix = RwsplitProperties.PREFIX + ".context-propagation", name = "enabled",
		havingValue = "true")
public final class RwsplitContextPropagationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static RwsplitContextPropagation rwsplitContextPropagation() {
		return new RwsplitContextPropagation(ContextRegistry.getInstance());
	}

	/**
	 * Registers the accessors when created, before any work can be submitted, and removes them when
	 * the context closes: the registry is global to the class loader, and a context that did not
	 * ask for propagation must not inherit it.
	 */
	static final class RwsplitContextPropagation implements InitializingBean, DisposableBean {

		/**
		 * Applications that asked for propagation, per registry: the registry is usually the JVM-wide
		 * one, so the accessors stay until the last of them closes (a test context cache holds several).
		 */
		private static final Map<ContextRegistry, Integer> USERS = new IdentityHashMap<>();

		private final ContextRegistry registry;

		RwsplitContextPropagation(ContextRegistry registry) {
			this.registry = registry;
		}

		@Override
		public void afterPropertiesSet() {
			synchronized (USERS) {
				if (USERS.merge(this.registry, 1, Integer::sum) == 1) {
					this.registry.registerThreadLocalAccessor(new ConsistencyContextAccessor());
					this.registry.registerThreadLocalAccessor(new RoutingScopeAccessor());
				}
			}
		}

		@Override
		public void destroy() {
			synchronized (USERS) {
				Integer left = USERS.computeIfPresent(this.registry, (registry, users) -> (users > 1) ? users - 1 : null);
				if (left == null) {
					this.registry.removeThreadLocalAccessor(ConsistencyContextAccessor.KEY);
					this.registry.removeThreadLocalAccessor(RoutingScopeAccessor.KEY);
				}
			}
		}

	}

}
