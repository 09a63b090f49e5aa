package io.github.rwsplit.monitor;

import java.time.Duration;

/**
 * When a replica leaves and rejoins rotation.
 *
 * @param maxLag a replica further behind than this leaves rotation
 * @param recoveryLag a replica out of rotation must be within this...
 * @param recoveryChecks ...for this many consecutive checks before it returns
 */
public record HealthThresholds(Duration maxLag, Duration recoveryLag, int recoveryChecks) {

	public HealthThresholds {
		if (maxLag.isNegative() || maxLag.isZero()) {
			throw new IllegalArgumentException("maxLag must be positive, was " + maxLag);
		}
		if (recoveryLag.isNegative() || recoveryLag.compareTo(maxLag) > 0) {
			throw new IllegalArgumentException(
					"recoveryLag must be between 0 and maxLag (" + maxLag + "), was " + recoveryLag);
		}
		if (recoveryChecks < 1) {
			throw new IllegalArgumentException("recoveryChecks must be at least 1, was " + recoveryChecks);
		}
	}

}
