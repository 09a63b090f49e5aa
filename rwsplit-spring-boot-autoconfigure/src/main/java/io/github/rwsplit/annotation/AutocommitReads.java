package io.github.rwsplit.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.rwsplit.routing.Route;

/**
 * Overrides {@code rwsplit.routing.autocommit-reads} for the annotated method's work outside
 * transactions: {@link Route#REPLICA} classifies each statement and sends reads to a replica,
 * {@link Route#PRIMARY} sends every statement to the primary. On a class, applies to every public
 * method. Work inside a transaction, {@code @ReadReplica} or {@code @Primary} is routed by those,
 * as usual.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface AutocommitReads {

	/**
	 * Where reads outside transactions go.
	 * @return {@link Route#REPLICA} to route each statement by what it does, {@link Route#PRIMARY}
	 * for all of them to the primary
	 */
	Route value();

}
