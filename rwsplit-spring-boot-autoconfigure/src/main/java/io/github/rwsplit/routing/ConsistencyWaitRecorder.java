package io.github.rwsplit.routing;

/**
 * Told how long each read-your-writes wait on a replica took; metrics record it as a timer.
 */
@FunctionalInterface
public interface ConsistencyWaitRecorder {

	/** Records nothing. */
	ConsistencyWaitRecorder NONE = (nanos, caughtUp) -> {
	};

	/**
	 * A wait ended.
	 * @param nanos how long it took
	 * @param caughtUp whether the replica caught up in time (else the read went to the primary)
	 */
	void waited(long nanos, boolean caughtUp);

}
