package io.github.rwsplit.monitor;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.gtid.GtidSet;

/**
 * What the monitor knows about one replica after its latest check. Immutable.
 *
 * @param name the replica's node name
 * @param state whether it is in rotation
 * @param reason why it is in its state, for people: empty when healthy
 * @param lagNanos its lag, or -1 when unknown (never 0 for unknown)
 * @param lastCheck when it was last checked, or {@code null} before the first check
 * @param goodChecks consecutive checks within the recovery lag, counted while out of rotation
 * @param gtidExecuted its executed GTID set when known, else {@code null}
 * @param lastGoodCheck when the last of {@code goodChecks} was counted, or {@code null}
 */
public record ReplicaHealth(String name, ReplicaState state, String reason, long lagNanos, @Nullable Instant lastCheck,
		int goodChecks, @Nullable GtidSet gtidExecuted, @Nullable Instant lastGoodCheck) {

	/**
	 * A health with no good check counted.
	 * @param name the replica's node name
	 * @param state whether it is in rotation
	 * @param reason why it is in its state
	 * @param lagNanos its lag, or -1 when unknown
	 * @param lastCheck when it was last checked, or {@code null}
	 * @param goodChecks consecutive checks within the recovery lag
	 * @param gtidExecuted its executed GTID set when known, else {@code null}
	 */
	public ReplicaHealth(String name, ReplicaState state, String reason, long lagNanos, @Nullable Instant lastCheck,
			int goodChecks, @Nullable GtidSet gtidExecuted) {
		this(name, state, reason, lagNanos, lastCheck, goodChecks, gtidExecuted, null);
	}

	/**
	 * The health of a replica never checked: in rotation, lag unknown.
	 * @param name the replica's name
	 * @return its initial health
	 */
	public static ReplicaHealth unchecked(String name) {
		return new ReplicaHealth(name, ReplicaState.HEALTHY, "", -1, null, 0, null);
	}

	/** @return the lag, or {@code null} when unknown */
	public @Nullable Duration lag() {
		return (this.lagNanos < 0) ? null : Duration.ofNanos(this.lagNanos);
	}

	ReplicaHealth withState(ReplicaState state, String reason) {
		return new ReplicaHealth(this.name, state, reason, this.lagNanos, this.lastCheck, 0, this.gtidExecuted);
	}

}
