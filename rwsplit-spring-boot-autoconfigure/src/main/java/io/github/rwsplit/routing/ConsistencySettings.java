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
 * the primary, in GTID modes; replicas further behind than this are not waited on
 */
public record ConsistencySettings(ConsistencyMode mode, Duration pinDuration, Duration waitTimeout) {

	public ConsistencySettings {
		Objects.requireNonNull(mode, "mode");
		if (mode == ConsistencyMode.DEFAULT) {
			throw new IllegalArgumentException("the router's mode must be a concrete one, not DEFAULT");
		}
		if (pinDuration.isNegative() || waitTimeout.isNegative()) {
			throw new IllegalArgumentException("pinDuration and waitTimeout must not be negative");
		}
	}

	/** @return reads may miss the session's writes: the router without read-your-writes */
	public static ConsistencySettings eventual() {
		return new ConsistencySettings(ConsistencyMode.EVENTUAL, Duration.ZERO, Duration.ZERO);
	}

}
