package io.github.rwsplit.monitor;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Turns a replica's previous health and a new check into its next health, with hysteresis: a
 * replica leaves rotation as soon as its lag exceeds {@code maxLag} (or is unknown), or it is
 * unreachable, broken or misconfigured; it returns only after {@code recoveryChecks} consecutive checks within
 * {@code recoveryLag}, spaced at least {@code recoverySpacing} apart: hysteresis counts time, not
 * checks, so checks that queued up while a replica hung and then run back to back count once. A
 * lag that wanders around {@code maxLag} therefore moves the replica out once, not back and forth.
 * Drained replicas stay drained whatever the checks say.
 */
public final class ReplicaStateMachine {

	private final HealthThresholds thresholds;

	private final Duration recoverySpacing;

	/**
	 * A state machine that counts every good check.
	 * @param thresholds when replicas leave and rejoin rotation
	 */
	public ReplicaStateMachine(HealthThresholds thresholds) {
		this(thresholds, Duration.ZERO);
	}

	/**
	 * @param thresholds when replicas leave and rejoin rotation
	 * @param recoverySpacing the least time between two good checks that both count towards
	 * {@code recoveryChecks}: the monitor's interval
	 */
	public ReplicaStateMachine(HealthThresholds thresholds, Duration recoverySpacing) {
		this.thresholds = thresholds;
		this.recoverySpacing = recoverySpacing;
	}

	/**
	 * The replica's health after a check.
	 * @param previous its health before
	 * @param result what the check found
	 * @param now when the check finished
	 * @return its new health (the same state, or a transition)
	 */
	public ReplicaHealth next(ReplicaHealth previous, CheckResult result, Instant now) {
		return next(previous, result, now, null);
	}

	/**
	 * The replica's health after a check, with a lag that could not be measured admitted as good
	 * when {@code admittedBecause} says why (see {@link UnseenPrimaryAdmission}): in rotation, or a
	 * good check towards recovery, with the lag still reported as unknown.
	 * @param previous its health before
	 * @param result what the check found
	 * @param now when the check finished
	 * @param admittedBecause why an unknown lag counts as good, or {@code null} when it does not
	 * @return its new health
	 */
	ReplicaHealth next(ReplicaHealth previous, CheckResult result, Instant now, @Nullable String admittedBecause) {
		long maxLag = this.thresholds.maxLag().toNanos();
		long recoveryLag = this.thresholds.recoveryLag().toNanos();
		ReplicaState state;
		String reason;
		int goodChecks = 0;
		Instant lastGood = null;
		boolean admitted = result.lagNanos() < 0 && admittedBecause != null;
		if (!result.reachable() && result.misconfigured()) {
			state = ReplicaState.MISCONFIGURED;
			reason = "misconfigured: " + result.detail();
		}
		else if (!result.reachable()) {
			state = ReplicaState.DOWN;
			reason = "unreachable: " + result.detail();
		}
		else if (result.broken()) {
			state = ReplicaState.DOWN;
			reason = "replication broken: " + result.detail();
		}
		else if (result.lagNanos() < 0 && !admitted) {
			state = ReplicaState.LAGGING;
			reason = "lag unknown: " + result.detail();
		}
		else if (result.lagNanos() > maxLag) {
			state = ReplicaState.LAGGING;
			reason = "lag " + seconds(result.lagNanos()) + " > max-lag " + seconds(maxLag);
		}
		else if (previous.state() == ReplicaState.HEALTHY) {
			state = ReplicaState.HEALTHY;
			reason = admitted ? "lag unknown: " + result.detail() + "; " + admittedBecause : "";
		}
		else {
			// Out of rotation and now within max-lag: come back only after enough good checks.
			if (result.lagNanos() > recoveryLag) {
				goodChecks = 0;
			}
			else if (previous.goodChecks() == 0 || previous.lastGoodCheck() == null
					|| Duration.between(previous.lastGoodCheck(), now).compareTo(this.recoverySpacing) >= 0) {
				goodChecks = previous.goodChecks() + 1;
				lastGood = now;
			}
			else {
				// Too soon after the last good check (checks queued during a hang): it does not count.
				goodChecks = previous.goodChecks();
				lastGood = previous.lastGoodCheck();
			}
			if (goodChecks >= this.thresholds.recoveryChecks()) {
				state = ReplicaState.HEALTHY;
				reason = admitted ? "lag unknown: " + result.detail() + "; " + admittedBecause : "";
				goodChecks = 0;
				lastGood = null;
			}
			else {
				state = previous.state();
				reason = "recovering: " + (admitted ? "lag unknown" : "lag " + seconds(result.lagNanos())) + ", " + goodChecks + " of "
						+ this.thresholds.recoveryChecks() + " checks within " + seconds(recoveryLag);
			}
		}
		if (previous.state() == ReplicaState.DRAINED) {
			state = ReplicaState.DRAINED;
			reason = "drained by an operator";
			goodChecks = 0;
			lastGood = null;
		}
		return new ReplicaHealth(previous.name(), state, reason, result.lagNanos(), now, goodChecks,
				(result.gtidExecuted() != null) ? result.gtidExecuted() : previous.gtidExecuted(), lastGood);
	}

	static String seconds(long nanos) {
		return String.format(java.util.Locale.ROOT, "%.3fs", nanos / 1e9);
	}

}
