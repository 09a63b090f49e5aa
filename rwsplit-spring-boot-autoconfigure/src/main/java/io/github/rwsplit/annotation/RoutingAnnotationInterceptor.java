package io.github.rwsplit.annotation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;

import io.github.rwsplit.routing.RoutingContext;

/**
 * Opens a routing scope around a call to a method annotated (or whose class is annotated) with
 * {@link ReadReplica} or {@link Primary}. Must run outside the transaction interceptor, so that a
 * transaction the method starts sees the scope when it begins; {@link RoutingAnnotationAdvisor}
 * is ordered accordingly.
 */
public class RoutingAnnotationInterceptor implements MethodInterceptor {

	private final Map<MethodClassKey, Optional<RoutingAnnotations.Request>> cache = new ConcurrentHashMap<>();

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
		RoutingAnnotations.Request request = this.cache
			.computeIfAbsent(new MethodClassKey(invocation.getMethod(), targetClass), (key) -> Optional
				.ofNullable(RoutingAnnotations.find(AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass),
						targetClass)))
			.orElse(null);
		if (request == null) {
			return invocation.proceed();
		}
		Method site = invocation.getMethod();
		try (RoutingContext.Scope scope = RoutingContext.enter(request.route(), request.group(), site)) {
			return invocation.proceed();
		}
	}

}
