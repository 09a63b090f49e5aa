package io.github.rwsplit.monitor;

import java.time.Duration;
import java.util.Objects;

/**
 * How the monitor works.
 *
 * @param interval how often each replica is checked
 * @param checkTimeout the longest a single check (connect included) may take; shorter than
 * {@code interval}
 * @param primaryInterval how often the primary's position is recorded and its availability checked
 * @param thresholds when replicas leave and rejoin rotation
 * @param lagSource how lag is measured
 * @param heartbeatTable the heartbeat table, for {@link LagSource#HEARTBEAT}
 * @param createHeartbeatTable whether the monitor creates the heartbeat table when it is missing
 */
public record MonitorSettings(Duration interval, Duration checkTimeout, Duration primaryInterval,
		HealthThresholds thresholds, LagSource lagSource, String heartbeatTable, boolean createHeartbeatTable) {

	public MonitorSettings {
		Objects.requireNonNull(thresholds, "thresholds");
		Objects.requireNonNull(lagSource, "lagSource");
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("interval must be positive, was " + interval);
		}
		if (checkTimeout.isNegative() || checkTimeout.isZero() || checkTimeout.compareTo(interval) >= 0) {
			throw new IllegalArgumentException(
					"checkTimeout must be positive and shorter than interval (" + interval + "), was " + checkTimeout);
		}
		if (primaryInterval.isNegative() || primaryInterval.isZero()) {
			throw new IllegalArgumentException("primaryInterval must be positive, was " + primaryInterval);
		}
		if (primaryInterval.multipliedBy(MAX_MARKS).compareTo(thresholds.maxLag().multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("primaryInterval " + primaryInterval + " is too short to measure lags up to "
					+ "twice maxLag (" + thresholds.maxLag() + ") with " + MAX_MARKS + " recorded positions");
		}
	}

	/** The most primary positions kept. */
	static final int MAX_MARKS = 4096;

	/** How many primary positions to keep: enough to measure lags well past max-lag. */
	int markCapacity() {
		long window = Math.max(Duration.ofSeconds(30).toNanos(), this.thresholds.maxLag().toNanos() * 4);
		return (int) Math.min(MAX_MARKS, Math.max(16, window / this.primaryInterval.toNanos()));
	}

}
