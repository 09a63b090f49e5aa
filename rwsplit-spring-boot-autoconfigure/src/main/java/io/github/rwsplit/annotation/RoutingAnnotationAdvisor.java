package io.github.rwsplit.annotation;

import org.springframework.aop.support.DefaultPointcutAdvisor;
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
public class RoutingAnnotationAdvisor extends DefaultPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	/** Just before the transaction advisor's default order. */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	public RoutingAnnotationAdvisor(RoutingAnnotationInterceptor interceptor) {
		super(AnnotationPointcuts.onTypeOrMethod(ReadReplica.class, Primary.class, AutocommitReads.class), interceptor);
		setOrder(DEFAULT_ORDER);
	}

}
