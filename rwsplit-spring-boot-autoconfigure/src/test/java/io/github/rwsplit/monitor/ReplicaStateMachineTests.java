package io.github.rwsplit.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaStateMachineTests {

	private static final long MS = 1_000_000;

	private final ReplicaStateMachine machine = new ReplicaStateMachine(
			new HealthThresholds(Duration.ofMillis(1000), Duration.ofMillis(500), 3));

	private ReplicaHealth run(ReplicaHealth start, List<CheckResult> results, List<ReplicaState> states) {
		ReplicaHealth health = start;
		for (CheckResult result : results) {
			health = this.machine.next(health, result, Instant.now());
			states.add(health.state());
		}
		return health;
	}

	private static List<CheckResult> lags(long... millis) {
		List<CheckResult> results = new ArrayList<>();
		for (long lag : millis) {
			results.add(CheckResult.lag(lag * MS, null));
		}
		return results;
	}

	@Test
	void leavesRotationAsSoonAsLagExceedsMaxLag() {
		List<ReplicaState> states = new ArrayList<>();
		ReplicaHealth health = run(ReplicaHealth.unchecked("r1"), lags(100, 900, 1001), states);
		assertThat(states).containsExactly(ReplicaState.HEALTHY, ReplicaState.HEALTHY, ReplicaState.LAGGING);
		assertThat(health.reason()).isEqualTo("lag 1.001s > max-lag 1.000s");
		assertThat(health.lag()).isEqualTo(Duration.ofMillis(1001));
	}

	@Test
	void returnsOnlyAfterEnoughConsecutiveChecksBelowTheRecoveryMark() {
		List<ReplicaState> states = new ArrayList<>();
		run(ReplicaHealth.unchecked("r1"), lags(2000, 400, 400, 600, 400, 400, 400), states);
		assertThat(states).containsExactly(ReplicaState.LAGGING, ReplicaState.LAGGING, ReplicaState.LAGGING,
				ReplicaState.LAGGING, ReplicaState.LAGGING, ReplicaState.LAGGING, ReplicaState.HEALTHY);
	}

	@Test
	void lagOscillatingAroundMaxLagMovesTheReplicaOutOnceAndNeverBack() {
		List<ReplicaState> states = new ArrayList<>();
		run(ReplicaHealth.unchecked("r1"), lags(900, 1100, 950, 1050, 900, 1200, 980, 1020, 990, 1010), states);
		long transitions = 0;
		for (int i = 1; i < states.size(); i++) {
			if (states.get(i) != states.get(i - 1)) {
				transitions++;
			}
		}
		assertThat(transitions).isEqualTo(1);
		assertThat(states.get(states.size() - 1)).isEqualTo(ReplicaState.LAGGING);
	}

	@Test
	void unknownLagIsStaleNeverFresh() {
		ReplicaHealth health = this.machine.next(ReplicaHealth.unchecked("r1"),
				CheckResult.unknownLag("replication SQL thread stopped"), Instant.now());
		assertThat(health.state()).isEqualTo(ReplicaState.LAGGING);
		assertThat(health.lag()).isNull();
		assertThat(health.lagNanos()).isEqualTo(-1);
		assertThat(health.reason()).isEqualTo("lag unknown: replication SQL thread stopped");
	}

	@Test
	void unreachableOrBrokenIsDownAndRecoversLikeLagging() {
		ReplicaHealth down = this.machine.next(ReplicaHealth.unchecked("r1"),
				CheckResult.unreachable("Connection refused"), Instant.now());
		assertThat(down.state()).isEqualTo(ReplicaState.DOWN);
		assertThat(down.reason()).isEqualTo("unreachable: Connection refused");
		assertThat(this.machine.next(down, CheckResult.broken("Error 1062"), Instant.now()).reason())
			.isEqualTo("replication broken: Error 1062");
		List<ReplicaState> states = new ArrayList<>();
		run(down, lags(0, 0, 0), states);
		assertThat(states).containsExactly(ReplicaState.DOWN, ReplicaState.DOWN, ReplicaState.HEALTHY);
	}

	@Test
	void drainedStaysDrainedWhateverTheChecksSay() {
		ReplicaHealth drained = ReplicaHealth.unchecked("r1").withState(ReplicaState.DRAINED, "drained by an operator");
		List<ReplicaState> states = new ArrayList<>();
		ReplicaHealth health = run(drained, lags(0, 0, 0, 0, 5000), states);
		assertThat(states).containsOnly(ReplicaState.DRAINED);
		assertThat(health.lag()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void positionMarksMeasureTheAgeOfTheOldestMissedPosition() {
		PositionMarks<Long> marks = new PositionMarks<>(4);
		assertThat(marks.lagNanos((seq) -> true, 0)).isEqualTo(Long.MIN_VALUE);
		marks.record(1L, 100);
		marks.record(2L, 200);
		marks.record(3L, 300);
		assertThat(marks.lagNanos((seq) -> seq <= 3, 350)).isZero();
		assertThat(marks.lagNanos((seq) -> seq <= 1, 350)).isEqualTo(150);
		assertThat(marks.lagNanos((seq) -> false, 350)).as("behind every mark: a lower bound").isEqualTo(-251);
		marks.record(4L, 400);
		marks.record(5L, 500);
		assertThat(marks.lagNanos((seq) -> false, 550)).as("only the last 4 marks are kept").isEqualTo(-351);
	}

	@Test
	void aReplicaBehindEveryRecordedPositionIsNeverReportedFresh() {
		long maxLag = 1000 * MS;
		CheckResult young = PositionMarks.result(-(5 * MS + 1), maxLag, null);
		assertThat(young.lagNanos()).as("a lower bound below max-lag proves nothing").isEqualTo(-1);
		assertThat(young.detail()).startsWith("behind every position recorded so far");
		assertThat(this.machine.next(ReplicaHealth.unchecked("r1"), young, Instant.now()).state())
			.isEqualTo(ReplicaState.LAGGING);
		CheckResult old = PositionMarks.result(-(3000 * MS + 1), maxLag, null);
		assertThat(old.lagNanos()).as("a lower bound above max-lag is enough").isEqualTo(3000 * MS);
		assertThat(PositionMarks.result(Long.MIN_VALUE, maxLag, null).lagNanos()).isEqualTo(-1);
		assertThat(PositionMarks.result(200 * MS, maxLag, null).lagNanos()).isEqualTo(200 * MS);
	}

	@Test
	void goodChecksThatRunBackToBackAfterAHangCountOnceNotOncePerQueuedCheck() {
		ReplicaStateMachine spaced = new ReplicaStateMachine(
				new HealthThresholds(Duration.ofMillis(1000), Duration.ofMillis(500), 3), Duration.ofSeconds(1));
		Instant resumed = Instant.parse("2026-01-01T00:00:00Z");
		ReplicaHealth health = spaced.next(ReplicaHealth.unchecked("r1"), CheckResult.unreachable("frozen"),
				resumed.minusSeconds(5));
		// Three checks queued during the hang finish within 90 ms of SIGCONT: one counts.
		for (int i = 0; i < 3; i++) {
			health = spaced.next(health, CheckResult.lag(0, null), resumed.plusMillis(30 * i));
		}
		assertThat(health.state()).isEqualTo(ReplicaState.DOWN);
		assertThat(health.goodChecks()).isEqualTo(1);
		// Then checks an interval apart: the third spaced good check brings it back, 2 s after the first.
		health = spaced.next(health, CheckResult.lag(0, null), resumed.plusMillis(1000));
		assertThat(health.state()).isEqualTo(ReplicaState.DOWN);
		health = spaced.next(health, CheckResult.lag(0, null), resumed.plusMillis(2000));
		assertThat(health.state()).isEqualTo(ReplicaState.HEALTHY);
	}

	@Test
	void aBadCheckBetweenSpacedGoodChecksStartsTheCountAgain() {
		ReplicaStateMachine spaced = new ReplicaStateMachine(
				new HealthThresholds(Duration.ofMillis(1000), Duration.ofMillis(500), 2), Duration.ofSeconds(1));
		Instant t = Instant.parse("2026-01-01T00:00:00Z");
		ReplicaHealth health = spaced.next(ReplicaHealth.unchecked("r1"), CheckResult.unreachable("down"), t);
		health = spaced.next(health, CheckResult.lag(0, null), t.plusSeconds(1));
		health = spaced.next(health, CheckResult.lag(800 * MS, null), t.plusSeconds(2));
		assertThat(health.goodChecks()).isZero();
		health = spaced.next(health, CheckResult.lag(0, null), t.plusSeconds(3));
		assertThat(health.state()).isEqualTo(ReplicaState.DOWN);
		health = spaced.next(health, CheckResult.lag(0, null), t.plusSeconds(4));
		assertThat(health.state()).isEqualTo(ReplicaState.HEALTHY);
	}

	@Test
	void aMisconfiguredReplicaHasItsOwnStateAndReturnsThroughTheNormalRecovery() {
		ReplicaHealth misconfigured = this.machine.next(ReplicaHealth.unchecked("r1"),
				CheckResult.misconfigured("login refused: Access denied for user 'app'@'127.0.0.1' (using password: YES)"),
				Instant.now());
		assertThat(misconfigured.state()).isEqualTo(ReplicaState.MISCONFIGURED);
		assertThat(misconfigured.state().inRotation()).isFalse();
		assertThat(misconfigured.reason())
			.isEqualTo("misconfigured: login refused: Access denied for user 'app'@'127.0.0.1' (using password: YES)");
		assertThat(misconfigured.lag()).isNull();
		List<ReplicaState> states = new ArrayList<>();
		run(misconfigured, lags(0, 0, 0), states);
		assertThat(states).containsExactly(ReplicaState.MISCONFIGURED, ReplicaState.MISCONFIGURED, ReplicaState.HEALTHY);
	}

	@Test
	void aLagUnknownBecauseThePrimaryWasNeverSeenIsAdmittedOnlyWhenTheRuleSaysSo() {
		CheckResult unseen = PositionMarks.result(Long.MIN_VALUE, 1000 * MS, null);
		assertThat(unseen.primaryUnseen()).isTrue();
		assertThat(this.machine.next(ReplicaHealth.unchecked("r1"), unseen, Instant.now()).state())
			.isEqualTo(ReplicaState.LAGGING);
		ReplicaHealth admitted = this.machine.next(ReplicaHealth.unchecked("r1"), unseen, Instant.now(), "admitted");
		assertThat(admitted.state()).isEqualTo(ReplicaState.HEALTHY);
		assertThat(admitted.lag()).as("never 0 for unknown").isNull();
		assertThat(admitted.reason()).isEqualTo("lag unknown: the primary's position is not known yet; admitted");
		// A replica out of rotation comes back through the usual good checks, not at once.
		ReplicaHealth down = this.machine.next(ReplicaHealth.unchecked("r1"), CheckResult.unreachable("down"),
				Instant.now());
		ReplicaHealth once = this.machine.next(down, unseen, Instant.now(), "admitted");
		assertThat(once.state()).isEqualTo(ReplicaState.DOWN);
		assertThat(once.goodChecks()).isEqualTo(1);
		// A lower bound or a failed check is no admission, whatever the rule says.
		CheckResult behind = PositionMarks.result(-(5 * MS + 1), 1000 * MS, null);
		assertThat(behind.primaryUnseen()).isFalse();
	}

}
