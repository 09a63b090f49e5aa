package io.github.rwsplit.autoconfigure;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import io.github.rwsplit.annotation.RoutingAnnotations;
import io.github.rwsplit.routing.Route;

/**
 * Checks the application's beans once at start-up for routing annotations that cannot work: a
 * {@code @ReadReplica} naming a group that has no replicas (fails start-up), both annotations on
 * one element (fails start-up), and Spring's own {@code @Primary} on a method that is not a
 * {@code @Bean} method (a warning: almost always meant to be rwsplit's).
 */
class RoutingAnnotationVerifier implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(RoutingAnnotationVerifier.class);

	private final ConfigurableListableBeanFactory beanFactory;

	private final Set<String> groups;

	RoutingAnnotationVerifier(ConfigurableListableBeanFactory beanFactory, Set<String> groups) {
		this.beanFactory = beanFactory;
		this.groups = new TreeSet<>(groups);
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type = this.beanFactory.getType(name, false);
			if (type == null || type.getName().startsWith("org.springframework.")) {
				continue;
			}
			verify(ClassUtils.getUserClass(type));
		}
	}

	void verify(Class<?> type) {
		check(RoutingAnnotations.on(type), type.getName());
		ReflectionUtils.doWithMethods(type, (method) -> {
			check(RoutingAnnotations.on(method), type.getName() + "." + method.getName() + "()");
			if (method.isAnnotationPresent(org.springframework.context.annotation.Primary.class)
					&& !method.isAnnotationPresent(Bean.class)) {
				warnSpringPrimary(method);
			}
		}, (method) -> method.getDeclaringClass() != Object.class);
	}

	private void check(RoutingAnnotations.Request request, String site) {
		if (request != null && request.route() == Route.REPLICA && request.group() != null
				&& !this.groups.contains(request.group())) {
			throw new RwsplitConfigurationException("rwsplit.replicas.*.group",
					"@ReadReplica(\"" + request.group() + "\") on " + site + " names a group with no replicas; groups are "
							+ this.groups,
					"Put a replica in group '" + request.group() + "' or use one of " + this.groups + ".");
		}
	}

	private static void warnSpringPrimary(Method method) {
		logger.warn("rwsplit: " + method.getDeclaringClass().getName() + "." + method.getName() + "() carries Spring's "
				+ "@org.springframework.context.annotation.Primary, which has no effect on a method that is not a @Bean "
				+ "method. To run it on the primary database, import io.github.rwsplit.annotation.Primary instead.");
	}

}
