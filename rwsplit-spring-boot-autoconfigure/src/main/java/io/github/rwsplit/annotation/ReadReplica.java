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
 *
 * <p>Called outside any transaction, the method runs once more when its work failed because its
 * replica connection did (the server died, hung or killed the session), on another replica: see
 * {@link #retry()}.
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

	/**
	 * Whether a call that fails with a connection-class error on a replica runs once more, around
	 * its transaction, without that replica ({@code rwsplit.routing.retry-reads} must be on too).
	 * Turn it off for a method that does more than read the database (sends a message, calls a
	 * service, hands rows to a callback), since that would happen twice. Also honoured on a
	 * {@code @Transactional(readOnly = true)} method.
	 * @return whether to retry
	 */
	boolean retry() default true;

}
