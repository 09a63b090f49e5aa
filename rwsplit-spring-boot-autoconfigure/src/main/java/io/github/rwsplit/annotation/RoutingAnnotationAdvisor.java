package io.github.rwsplit.annotation;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;

/**
 * Applies {@link RoutingAnnotationInterceptor} to beans with {@link ReadReplica},
 * {@link Primary} or {@link AutocommitReads} on a class or method.
 *
 * <p>Its default order, {@link #DEFAULT_ORDER}, puts it just outside Spring's transaction
 * advisor (which defaults to {@link Ordered#LOWEST_PRECEDENCE}): the routing scope must be open
 * before a transaction begins. If you order the transaction advisor yourself, order this one
 * before it.
 */
public class RoutingAnnotationAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	/** Just before the transaction advisor's default order. */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final transient Advice advice;

	private final transient Pointcut pointcut;

	public RoutingAnnotationAdvisor(RoutingAnnotationInterceptor interceptor) {
		this.advice = interceptor;
		this.pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(ReadReplica.class, true))
			.union(new AnnotationMatchingPointcut(null, ReadReplica.class, true))
			.union(new AnnotationMatchingPointcut(Primary.class, true))
			.union(new AnnotationMatchingPointcut(null, Primary.class, true))
			.union(new AnnotationMatchingPointcut(AutocommitReads.class, true))
			.union(new AnnotationMatchingPointcut(null, AutocommitReads.class, true));
		setOrder(DEFAULT_ORDER);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

}
