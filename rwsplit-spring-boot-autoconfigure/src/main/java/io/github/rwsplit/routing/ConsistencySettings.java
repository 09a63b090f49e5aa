package io.github.rwsplit.routing;

import java.time.Duration;
import java.util.Objects;

import io.github.rwsplit.consistency.ConsistencyMode;

/**
 * How the router honours read-your-writes.
 *
 * @param mode the mode for reads that do not name one (never {@code DEFAULT})
 * @param pinDuration how long a session's reads stay on the primary after a write, in pin mode
 * @param waitTimeout how long a read waits on a replica for the session's writes before going to
 * the primary, in GTID modes; replicas further behind than this are not waited on. At least 1 ms:
 * MySQL reads a zero timeout as "wait for ever"
 * @param pinMargin how much earlier than recorded a write may have become invisible on a replica
 * measured as current: the lag monitor's resolution plus write-time coalescing
 * @param modeReason why the router uses this mode ("configured", or how {@code auto} was
 * resolved), for the endpoint, health and the start-up report
 */
public record ConsistencySettings(ConsistencyMode mode, Duration pinDuration, Duration waitTimeout,
		Duration pinMargin, String modeReason) {

	/** Why a mode that was set explicitly is used. */
	public static final String CONFIGURED = "configured";

	/**
	 * Settings whose mode was configured explicitly.
	 * @param mode the mode for reads that do not name one (never {@code DEFAULT})
	 * @param pinDuration how long a session's reads stay on the primary after a write, in pin mode
	 * @param waitTimeout how long a read waits on a replica for the session's writes
	 * @param pinMargin how much earlier than recorded a write may have become invisible
	 */
	public ConsistencySettings(ConsistencyMode mode, Duration pinDuration, Duration waitTimeout, Duration pinMargin) {
		this(mode, pinDuration, waitTimeout, pinMargin, CONFIGURED);
	}

	/**
	 * @param mode another mode
	 * @param reason why it is used
	 * @return these settings with that mode
	 */
	public ConsistencySettings withMode(ConsistencyMode mode, String reason) {
		return new ConsistencySettings(mode, this.pinDuration, this.waitTimeout, this.pinMargin, reason);
	}

	public ConsistencySettings {
		Objects.requireNonNull(mode, "mode");
		modeReason = (modeReason != null) ? modeReason : CONFIGURED;
		if (mode == ConsistencyMode.DEFAULT) {
			throw new IllegalArgumentException("the router's mode must be a concrete one, not DEFAULT");
		}
		if (pinDuration.isNegative() || pinMargin.isNegative()) {
			throw new IllegalArgumentException("pinDuration and pinMargin must not be negative");
		}
		if (waitTimeout.toMillis() < 1) {
			throw new IllegalArgumentException("waitTimeout must be at least 1 ms (MySQL waits for ever on 0), was "
					+ waitTimeout);
		}
	}

	/** @return reads may miss the session's writes: the router without read-your-writes */
	public static ConsistencySettings eventual() {
		return new ConsistencySettings(ConsistencyMode.EVENTUAL, Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO);
	}

}
