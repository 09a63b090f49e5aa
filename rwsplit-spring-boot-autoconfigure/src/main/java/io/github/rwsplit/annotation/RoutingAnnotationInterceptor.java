package io.github.rwsplit.annotation;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.routing.Route;
import io.github.rwsplit.routing.RoutingContext;

/**
 * Opens a routing scope around a call to a method annotated (or whose class is annotated) with
 * {@link ReadReplica} or {@link Primary}. Must run outside the transaction interceptor, so that a
 * transaction the method starts sees the scope when it begins; {@link RoutingAnnotationAdvisor}
 * is ordered accordingly.
 */
public class RoutingAnnotationInterceptor implements MethodInterceptor {

	private final Map<MethodClassKey, Resolved> cache = new ConcurrentHashMap<>();

	private final String defaultGroup;

	private final Supplier<@Nullable WriteBarrier> barrier;

	/**
	 * Creates the interceptor, without write barriers.
	 * @param defaultGroup the default replica group's name: {@code @ReadReplica} naming it means the
	 * same as naming no group
	 */
	public RoutingAnnotationInterceptor(String defaultGroup) {
		this(defaultGroup, () -> null);
	}

	/**
	 * Creates the interceptor.
	 * @param defaultGroup the default replica group's name: {@code @ReadReplica} naming it means the
	 * same as naming no group
	 * @param barrier supplies the write barrier for {@code @Primary(awaitReplicas = ...)}, or
	 * {@code null} when there is none; asked on the first such call
	 */
	public RoutingAnnotationInterceptor(String defaultGroup, Supplier<@Nullable WriteBarrier> barrier) {
		this.defaultGroup = defaultGroup;
		this.barrier = barrier;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
		Resolved resolved = this.cache.computeIfAbsent(new MethodClassKey(invocation.getMethod(), targetClass),
				(key) -> resolve(invocation.getMethod(), targetClass));
		if (resolved.autocommitReads() != null) {
			try (RoutingContext.AutocommitReadsScope autocommit = RoutingContext.autocommitReads(resolved.autocommitReads())) {
				return proceed(invocation, resolved.request());
			}
		}
		return proceed(invocation, resolved.request());
	}

	private Object proceed(MethodInvocation invocation, RoutingAnnotations.Request request) throws Throwable {
		if (request == null) {
			return invocation.proceed();
		}
		Method site = invocation.getMethod();
		RoutingAnnotations.Barrier barrier = request.barrier();
		WriteBarrier.Mark before = (barrier != null) ? WriteBarrier.mark() : null;
		Object result;
		try (RoutingContext.Scope scope = RoutingContext.enter(request.route(), request.group(), request.maxLag(),
				request.consistency(), site)) {
			result = invocation.proceed();
		}
		if (barrier != null) {
			awaitReplicas(barrier, before, site);
		}
		return result;
	}

	private void awaitReplicas(RoutingAnnotations.Barrier barrier, WriteBarrier.Mark before, Method site) {
		WriteBarrier writeBarrier = this.barrier.get();
		if (writeBarrier == null) {
			throw new IllegalStateException("@Primary(awaitReplicas) on " + site + " needs rwsplit's write barrier, "
					+ "which is off (rwsplit.write-barrier.enabled=false)");
		}
		if (TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.isActualTransactionActive()) {
			// The method joined its caller's transaction: its writes exist on replicas only after that commits.
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					writeBarrier.awaitSince(before, barrier.replicas(), barrier.group(), barrier.timeout(),
							barrier.onTimeout());
				}
			});
			return;
		}
		writeBarrier.awaitSince(before, barrier.replicas(), barrier.group(), barrier.timeout(), barrier.onTimeout());
	}

	/** What a method's annotations ask for: a routing scope, an autocommit-reads mode, or neither. */
	private record Resolved(RoutingAnnotations.Request request, Route autocommitReads) {
	}

	private Resolved resolve(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		RoutingAnnotations.Request request = RoutingAnnotations.find(specific, targetClass);
		if (request != null && request.group() != null && request.group().equals(this.defaultGroup)) {
			request = new RoutingAnnotations.Request(request.route(), null, request.maxLag(), request.consistency(),
					request.element(), request.barrier());
		}
		AutocommitReads autocommit = AnnotatedElementUtils.findMergedAnnotation(specific, AutocommitReads.class);
		if (autocommit == null) {
			autocommit = AnnotatedElementUtils.findMergedAnnotation(targetClass, AutocommitReads.class);
		}
		return new Resolved(request, (autocommit != null) ? autocommit.value() : null);
	}

}
