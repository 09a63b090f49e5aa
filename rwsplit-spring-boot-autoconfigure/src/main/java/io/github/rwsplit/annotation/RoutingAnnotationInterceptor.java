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

	private final String defaultGroup;

	/**
	 * Creates the interceptor.
	 * @param defaultGroup the default replica group's name: {@code @ReadReplica} naming it means the
	 * same as naming no group
	 */
	public RoutingAnnotationInterceptor(String defaultGroup) {
		this.defaultGroup = defaultGroup;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
		RoutingAnnotations.Request request = this.cache
			.computeIfAbsent(new MethodClassKey(invocation.getMethod(), targetClass),
					(key) -> Optional.ofNullable(resolve(invocation.getMethod(), targetClass)))
			.orElse(null);
		if (request == null) {
			return invocation.proceed();
		}
		Method site = invocation.getMethod();
		try (RoutingContext.Scope scope = RoutingContext.enter(request.route(), request.group(), request.maxLag(),
				request.consistency(), site)) {
			return invocation.proceed();
		}
	}

	private RoutingAnnotations.Request resolve(Method method, Class<?> targetClass) {
		RoutingAnnotations.Request request = RoutingAnnotations.find(AopUtils.getMostSpecificMethod(method, targetClass),
				targetClass);
		if (request != null && request.group() != null && request.group().equals(this.defaultGroup)) {
			return new RoutingAnnotations.Request(request.route(), null, request.maxLag(), request.consistency(),
					request.element());
		}
		return request;
	}

}
