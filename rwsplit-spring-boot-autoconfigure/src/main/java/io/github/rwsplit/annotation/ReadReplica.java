package io.github.rwsplit.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

import io.github.rwsplit.consistency.ConsistencyMode;

/**
 * Runs the annotated method's database work on a replica, in its own transactions and outside
 * them. On a class, applies to every public method; a method's own annotation wins over its
 * class's, and the innermost annotated call wins over outer ones.
 *
 * <p>A transaction already running when the method is called keeps its route: a
 * {@code @ReadReplica} method that joins a read-write transaction runs on the primary, and
 * rwsplit reports it once. A method with its own transaction
 * ({@code @Transactional(propagation = REQUIRES_NEW)}) routes on its own.
 *
 * <p>Writes inside a {@code @ReadReplica} method fail: replica connections are read-only.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ReadReplica {

	/**
	 * The replica group to read from; empty for {@code rwsplit.default-group}.
	 * @return the group name
	 */
	@AliasFor("group")
	String value() default "";

	/**
	 * Alias for {@link #value()}.
	 * @return the group name
	 */
	@AliasFor("value")
	String group() default "";

	/**
	 * A staleness budget for this call: only replicas at most this far behind the primary serve
	 * it, such as {@code "500ms"} or {@code "2s"}; empty for any replica in rotation. When none
	 * qualifies, {@code rwsplit.fallback.policy} applies. Needs the lag monitor.
	 * @return the budget
	 */
	String maxLag() default "";

	/**
	 * How this call sees the session's own recent writes; {@code DEFAULT} for
	 * {@code rwsplit.consistency.mode}.
	 * @return the consistency mode
	 */
	ConsistencyMode consistency() default ConsistencyMode.DEFAULT;

}
