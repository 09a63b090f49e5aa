package io.github.rwsplit.barrier;

/**
 * What a write barrier does when its replicas have not applied the write in time. The write has
 * committed on the primary either way; this only decides how the caller learns about it.
 */
public enum BarrierTimeoutPolicy {

	/** Use {@code rwsplit.write-barrier.on-timeout}. Only meaningful on the annotation. */
	DEFAULT,

	/** Throw a {@link WriteBarrierException} saying what committed and which replicas lag. */
	FAIL,

	/** Log a warning saying the same and return normally. */
	WARN

}
