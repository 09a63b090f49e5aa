package io.github.rwsplit.autoconfigure;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.annotation.RoutingAnnotations;
import io.github.rwsplit.routing.Route;

/**
 * Checks the application's beans once at start-up for routing annotations that cannot work: a
 * {@code @ReadReplica} naming a group that has no replicas (fails start-up), both annotations on
 * one element (fails start-up), and Spring's own {@code @Primary} on a method that is not a
 * {@code @Bean} method (a warning: almost always meant to be rwsplit's). Routing annotations on
 * methods a proxy cannot apply them to, private, final, static or (as far as the bytecode shows)
 * only called from within their own bean, are warnings naming the method. With JPA and
 * {@code rwsplit.jpa.release-connection-after-transaction} on, a {@code @Transactional} with a
 * custom isolation level also stops start-up, as Spring's Hibernate dialect would refuse it at run
 * time.
 */
class RoutingAnnotationVerifier implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(RoutingAnnotationVerifier.class);

	private final ConfigurableListableBeanFactory beanFactory;

	private final Set<String> groups;

	private final boolean barrierAvailable;

	private final java.util.Map<String, Integer> groupSizes;

	private final String defaultGroup;

	/**
	 * @param groupSizes how many replicas each group has, to reject barriers that can never be met
	 * @param defaultGroup the group a barrier without a group counts
	 */
	RoutingAnnotationVerifier(ConfigurableListableBeanFactory beanFactory, Set<String> groups,
			boolean barrierAvailable, java.util.Map<String, Integer> groupSizes, String defaultGroup) {
		this.beanFactory = beanFactory;
		this.groups = new TreeSet<>(groups);
		this.barrierAvailable = barrierAvailable;
		this.groupSizes = groupSizes;
		this.defaultGroup = defaultGroup;
	}

	@Override
	public void afterSingletonsInstantiated() {
		boolean isolationUnsupported = this.beanFactory.containsBean(RwsplitHibernateAutoConfiguration.CUSTOMIZER_BEAN)
				&& this.beanFactory.containsBean("entityManagerFactory");
		List<String> customIsolation = new ArrayList<>();
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type = this.beanFactory.getType(name, false);
			if (type == null || type.getName().startsWith("org.springframework.")) {
				continue;
			}
			verify(ClassUtils.getUserClass(type), customIsolation);
		}
		if (isolationUnsupported && !customIsolation.isEmpty()) {
			throw new RwsplitConfigurationException("rwsplit.jpa.release-connection-after-transaction",
					"custom transaction isolation on " + customIsolation + " cannot work while Hibernate returns its "
							+ "connection after each transaction (Spring's Hibernate dialect applies isolation only to "
							+ "connections held until the session closes)",
					"Either set rwsplit.jpa.release-connection-after-transaction=false and keep each EntityManager to "
							+ "one transaction (spring.jpa.open-in-view=false), or drop the custom isolation "
							+ "(rwsplit.pool.transaction-isolation sets it for whole pools).");
		}
	}

	void verify(Class<?> type, List<String> customIsolation) {
		check(RoutingAnnotations.on(type), type.getName());
		if (hasCustomIsolation(type)) {
			customIsolation.add(type.getName());
		}
		List<Method> proxiable = new ArrayList<>();
		ReflectionUtils.doWithMethods(type, (method) -> {
			String site = type.getName() + "." + method.getName() + "()";
			RoutingAnnotations.Request request = RoutingAnnotations.on(method);
			check(request, site);
			if (request != null && method.getDeclaringClass() == type) {
				if (!warnUnproxiable(method, request, site)) {
					proxiable.add(method);
				}
			}
			if (hasCustomIsolation(method)) {
				customIsolation.add(site);
			}
			if (method.isAnnotationPresent(org.springframework.context.annotation.Primary.class)
					&& !method.isAnnotationPresent(Bean.class)) {
				warnSpringPrimary(method);
			}
		}, (method) -> method.getDeclaringClass() != Object.class);
		SelfInvocations.find(type, proxiable).forEach((method, callers) -> {
			RoutingAnnotations.Request request = RoutingAnnotations.on(method);
			String site = type.getName() + "." + method.getName() + "()";
			logger.warn("rwsplit: " + annotation(request) + " on " + site + " has no effect when called from "
					+ String.join(", ", callers) + ": a call within the bean bypasses its proxy, which is what "
					+ "applies the annotation. Call it through the bean (another bean, or the bean injected into "
					+ "itself), or annotate the caller.");
		});
	}

	/**
	 * Warns when the bean's proxy cannot apply a method's routing annotation: Spring proxies
	 * override methods, and private, final and static methods cannot be overridden.
	 * @return whether it warned
	 */
	private static boolean warnUnproxiable(Method method, RoutingAnnotations.Request request, String site) {
		int modifiers = method.getModifiers();
		String why = java.lang.reflect.Modifier.isPrivate(modifiers) ? "private"
				: java.lang.reflect.Modifier.isStatic(modifiers) ? "static"
						: java.lang.reflect.Modifier.isFinal(modifiers) ? "final" : null;
		if (why == null) {
			return false;
		}
		logger.warn("rwsplit: " + annotation(request) + " on " + site + " has no effect: the method is " + why
				+ ", so the bean's proxy cannot intercept it and its work runs wherever its caller's does. Make it a "
				+ "public, non-final instance method called from another bean, or annotate the caller.");
		return true;
	}

	private static String annotation(RoutingAnnotations.Request request) {
		return (request.route() == Route.REPLICA) ? "@ReadReplica" : "@Primary";
	}

	private static boolean hasCustomIsolation(AnnotatedElement element) {
		Transactional transactional = AnnotatedElementUtils.findMergedAnnotation(element, Transactional.class);
		return transactional != null && transactional.isolation() != Isolation.DEFAULT;
	}

	private void check(RoutingAnnotations.Request request, String site) {
		if (request != null && request.route() == Route.REPLICA && request.group() != null
				&& !this.groups.contains(request.group())) {
			throw new RwsplitConfigurationException("rwsplit.replicas.*.group",
					"@ReadReplica(\"" + request.group() + "\") on " + site + " names a group with no replicas; groups are "
							+ this.groups,
					"Put a replica in group '" + request.group() + "' or use one of " + this.groups + ".");
		}
		RoutingAnnotations.Barrier barrier = (request != null) ? request.barrier() : null;
		if (barrier == null) {
			return;
		}
		if (!this.barrierAvailable) {
			throw new RwsplitConfigurationException("rwsplit.write-barrier.enabled",
					"@Primary on " + site + " asks for a write barrier, and write barriers are off",
					"Remove rwsplit.write-barrier.enabled=false, or drop awaitReplicas/awaitGroup from the annotation.");
		}
		if (barrier.group() != null && !this.groups.contains(barrier.group())) {
			throw new RwsplitConfigurationException("rwsplit.replicas.*.group",
					"@Primary(awaitGroup = \"" + barrier.group() + "\") on " + site + " names a group with no replicas; "
							+ "groups are " + this.groups,
					"Put a replica in group '" + barrier.group() + "' or use one of " + this.groups + ".");
		}
		String group = (barrier.group() != null) ? barrier.group() : this.defaultGroup;
		Integer size = this.groupSizes.get(group);
		if (size != null && barrier.replicas() > size) {
			throw new RwsplitConfigurationException("rwsplit.replicas.*.group",
					"@Primary(awaitReplicas = " + barrier.replicas() + ") on " + site + " can never be met: group '" + group
							+ "' has " + size + " replica(s)",
					"Ask for at most " + size + " (or Primary.ALL for every replica in rotation), or add replicas.");
		}
	}

	private static void warnSpringPrimary(Method method) {
		io.github.rwsplit.routing.RoutingDiagnostics.springPrimaryAnnotation();
		logger.warn("rwsplit: " + method.getDeclaringClass().getName() + "." + method.getName() + "() carries Spring's "
				+ "@org.springframework.context.annotation.Primary, which has no effect on a method that is not a @Bean "
				+ "method. To run it on the primary database, import io.github.rwsplit.annotation.Primary instead.");
	}

}
