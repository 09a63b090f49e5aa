package io.github.rwsplit.monitor;

import java.time.Instant;

/**
 * Turns a replica's previous health and a new check into its next health, with hysteresis: a
 * replica leaves rotation as soon as its lag exceeds {@code maxLag} (or is unknown), or it is
 * unreachable or broken; it returns only after {@code recoveryChecks} consecutive checks within
 * {@code recoveryLag}. A lag that wanders around {@code maxLag} therefore moves the replica out
 * once, not back and forth. Drained replicas stay drained whatever the checks say.
 */
public final class ReplicaStateMachine {

	private final HealthThresholds thresholds;

	public ReplicaStateMachine(HealthThresholds thresholds) {
		this.thresholds = thresholds;
	}

	/**
	 * The replica's health after a check.
	 * @param previous its health before
	 * @param result what the check found
	 * @param now when the check finished
	 * @return its new health (the same state, or a transition)
	 */
	public ReplicaHealth next(ReplicaHealth previous, CheckResult result, Instant now) {
		long maxLag = this.thresholds.maxLag().toNanos();
		long recoveryLag = this.thresholds.recoveryLag().toNanos();
		ReplicaState state;
		String reason;
		int goodChecks = 0;
		if (!result.reachable()) {
			state = ReplicaState.DOWN;
			reason = "unreachable: " + result.detail();
		}
		else if (result.broken()) {
			state = ReplicaState.DOWN;
			reason = "replication broken: " + result.detail();
		}
		else if (result.lagNanos() < 0) {
			state = ReplicaState.LAGGING;
			reason = "lag unknown: " + result.detail();
		}
		else if (result.lagNanos() > maxLag) {
			state = ReplicaState.LAGGING;
			reason = "lag " + seconds(result.lagNanos()) + " > max-lag " + seconds(maxLag);
		}
		else if (previous.state() == ReplicaState.HEALTHY) {
			state = ReplicaState.HEALTHY;
			reason = "";
		}
		else {
			// Out of rotation and now within max-lag: come back only after enough good checks.
			goodChecks = (result.lagNanos() <= recoveryLag) ? previous.goodChecks() + 1 : 0;
			if (goodChecks >= this.thresholds.recoveryChecks()) {
				state = ReplicaState.HEALTHY;
				reason = "";
				goodChecks = 0;
			}
			else {
				state = previous.state();
				reason = "recovering: lag " + seconds(result.lagNanos()) + ", " + goodChecks + " of "
						+ this.thresholds.recoveryChecks() + " checks within " + seconds(recoveryLag);
			}
		}
		if (previous.state() == ReplicaState.DRAINED) {
			state = ReplicaState.DRAINED;
			reason = "drained by an operator";
			goodChecks = 0;
		}
		return new ReplicaHealth(previous.name(), state, reason, result.lagNanos(), now, goodChecks,
				(result.gtidExecuted() != null) ? result.gtidExecuted() : previous.gtidExecuted());
	}

	static String seconds(long nanos) {
		return String.format(java.util.Locale.ROOT, "%.3fs", nanos / 1e9);
	}

}
