package io.github.rwsplit.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method's database work on the primary, even in read-only transactions: for
 * reads that must see the latest writes. On a class, applies to every public method.
 *
 * <p>With {@link #awaitReplicas()} (or {@link #awaitGroup()}) the method is also a <em>write
 * barrier</em>: it returns only once that many replicas have applied what it committed, bounded by
 * {@link #awaitTimeout()}; see {@link io.github.rwsplit.barrier.WriteBarrier}. When the method runs
 * inside a transaction begun by its caller, the barrier waits after that transaction commits.
 *
 * <p>Not to be confused with Spring's {@code org.springframework.context.annotation.Primary},
 * which chooses between beans; rwsplit warns at start-up when Spring's annotation sits on a method
 * that is not a {@code @Bean} method, which is almost always a wrong import.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface Primary {

	/** For {@link #awaitReplicas()}: every replica of the group that is in rotation. */
	int ALL = -1;

	/**
	 * How many replicas must have applied the method's writes before it returns: 0 (the default)
	 * for no barrier, or {@link #ALL}.
	 * @return the number of replicas
	 */
	int awaitReplicas() default 0;

	/**
	 * The replica group the barrier counts; the default group when empty. Naming a group with
	 * {@code awaitReplicas} left at 0 waits for all of the group's replicas in rotation.
	 * @return the group's name
	 */
	String awaitGroup() default "";

	/**
	 * The barrier's bound, such as {@code "2s"} or {@code "500ms"}; empty for
	 * {@code rwsplit.write-barrier.timeout}.
	 * @return the bound
	 */
	String awaitTimeout() default "";

	/**
	 * What happens when the bound passes before enough replicas have the writes (which have
	 * committed either way); {@code DEFAULT} for {@code rwsplit.write-barrier.on-timeout}.
	 * @return the policy
	 */
	io.github.rwsplit.barrier.BarrierTimeoutPolicy onTimeout() default io.github.rwsplit.barrier.BarrierTimeoutPolicy.DEFAULT;

}
