package io.github.rwsplit.routing;

import java.time.Duration;

/**
 * What a read does when no replica of its group qualifies (all out of rotation, or none within
 * the call's lag budget).
 *
 * @param policy the policy
 * @param waitTimeout how long {@link Policy#WAIT} waits for a replica before failing
 * @param maxPrimaryReads how many reads may run on the primary at once under
 * {@link Policy#PRIMARY}; more fail fast, so that a replica outage cannot stampede the primary
 */
public record ReplicaFallback(Policy policy, Duration waitTimeout, int maxPrimaryReads) {

	/** The policies. */
	public enum Policy {

		/** Read from the primary, up to {@code maxPrimaryReads} at once. */
		PRIMARY,

		/** Fail at once, saying why each replica was excluded. */
		FAIL,

		/** Wait up to {@code waitTimeout} for a replica to qualify, then fail. */
		WAIT

	}

	public ReplicaFallback {
		if (waitTimeout.isNegative()) {
			throw new IllegalArgumentException("waitTimeout must not be negative, was " + waitTimeout);
		}
		if (maxPrimaryReads < 1) {
			throw new IllegalArgumentException("maxPrimaryReads must be at least 1, was " + maxPrimaryReads);
		}
	}

	/**
	 * Reads go to the primary, without a cap: the behaviour without a monitor.
	 * @return the fallback
	 */
	public static ReplicaFallback unguardedPrimary() {
		return new ReplicaFallback(Policy.PRIMARY, Duration.ZERO, Integer.MAX_VALUE);
	}

}
