package io.github.rwsplit.annotation;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies {@link ReadRetryInterceptor} to beans with {@link ReadReplica} or {@link Transactional}
 * on a class or method (the interceptor itself tells read-only methods from the others).
 *
 * <p>Its default order, {@link #DEFAULT_ORDER}, puts it outside {@link RoutingAnnotationAdvisor},
 * which is outside Spring's transaction advisor: a second run must begin a new transaction. If you
 * order the transaction advisor yourself, order this one before it.
 */
public class ReadRetryAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	/** Just before the routing-annotation advisor. */
	public static final int DEFAULT_ORDER = RoutingAnnotationAdvisor.DEFAULT_ORDER - 1;

	private final transient Advice advice;

	private final transient Pointcut pointcut;

	public ReadRetryAdvisor(ReadRetryInterceptor interceptor) {
		this.advice = interceptor;
		this.pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(ReadReplica.class, true))
			.union(new AnnotationMatchingPointcut(null, ReadReplica.class, true))
			.union(new AnnotationMatchingPointcut(Transactional.class, true))
			.union(new AnnotationMatchingPointcut(null, Transactional.class, true));
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
