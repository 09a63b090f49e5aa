package io.github.rwsplit.annotation;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.transaction.annotation.Transactional;

/**
 * Applies {@link ReadRetryInterceptor} to beans with {@link ReadReplica} or {@link Transactional}
 * on a class or method (the interceptor itself tells read-only methods from the others).
 *
 * <p>Its default order, {@link #DEFAULT_ORDER}, puts it outside {@link RoutingAnnotationAdvisor},
 * which is outside Spring's transaction advisor: a second run must begin a new transaction. If you
 * order the transaction advisor yourself, order this one before it.
 */
public class ReadRetryAdvisor extends DefaultPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	/** Just before the routing-annotation advisor. */
	public static final int DEFAULT_ORDER = RoutingAnnotationAdvisor.DEFAULT_ORDER - 1;

	public ReadRetryAdvisor(ReadRetryInterceptor interceptor) {
		super(AnnotationPointcuts.onTypeOrMethod(ReadReplica.class, Transactional.class), interceptor);
		setOrder(DEFAULT_ORDER);
	}

}
