package io.github.rwsplit.routing;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each routing rule alone: candidates in, result out, no DataSource behind them.
 */
class RoutingRulesTests {

	private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final long SECOND = 1_000_000_000L;

	private static final DataSource NOWHERE = new StubDataSource("nowhere", null);

	private static ReplicaNode replica(String name, long lagNanos, long executed) {
		return new ReplicaNode(name, "default", 1, NOWHERE, () -> 0).withHealth(lagNanos,
				(executed >= 0) ? gtids(executed) : null, System.currentTimeMillis());
	}

	private static GtidSet gtids(long upTo) {
		return GtidSet.parse(UUID + ":1-" + upTo);
	}

	private final ReplicaNode fresh = replica("fresh", 0, 100);

	private final ReplicaNode late = replica("late", 3 * SECOND, 90);

	private final ReplicaNode unknown = replica("unknown", -1, -1);

	@Test
	void theLagBudgetKeepsReplicasWithinItAndNeverOneOfUnknownLag() {
		List<ReplicaNode> all = List.of(this.fresh, this.late, this.unknown);
		assertThat(LagBudgetFilter.apply(all, -1)).isSameAs(all);
		assertThat(LagBudgetFilter.apply(all, SECOND)).containsExactly(this.fresh);
		assertThat(LagBudgetFilter.apply(List.of(this.fresh), SECOND)).containsExactly(this.fresh);
	}

	@Test
	void excludedReplicasAreRemovedOnlyWhenThereAreExclusions() {
		List<ReplicaNode> all = List.of(this.fresh, this.late);
		assertThat(ExcludedNodesFilter.apply(all, null)).isSameAs(all);
		assertThat(ExcludedNodesFilter.apply(all, List.of("fresh"))).containsExactly(this.late);
	}

	@Test
	void pinModeSendsReadsToThePrimaryUntilEveryCandidateIsKnownToHaveTheWrite() {
		ConsistencySettings settings = new ConsistencySettings(io.github.rwsplit.consistency.ConsistencyMode.PIN,
				java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1), java.time.Duration.ZERO);
		long now = System.currentTimeMillis();
		ConsistencyToken wroteNow = ConsistencyToken.EMPTY.afterWrite(now - 10);
		assertThat(PinFilter.pinned(List.of(this.fresh), ConsistencyToken.EMPTY, settings, now)).isFalse();
		assertThat(PinFilter.pinned(List.of(this.late), wroteNow, settings, now)).isTrue();
		assertThat(PinFilter.pinned(List.of(this.fresh), ConsistencyToken.EMPTY.afterWrite(now - 10_000), settings, now))
			.isFalse();
	}

	@Test
	void readYourWritesPrefersReplicasKnownToHaveTheWritesThenWaitsOnTheClosest() {
		RoutingTopology topology = new RoutingTopology("primary", "default", List.of(this.fresh, this.late));
		ReadYourWritesFilter.Narrowing known = ReadYourWritesFilter.apply(List.of(this.fresh, this.late), topology,
				inputs(gtids(95), null), SECOND);
		assertThat(known.candidates()).containsExactly(this.fresh);
		assertThat(known.reason()).isEqualTo(RouteReason.GTID_CAUGHT_UP);

		ReadYourWritesFilter.Narrowing wait = ReadYourWritesFilter.apply(List.of(this.fresh, this.late), topology,
				inputs(gtids(105), null), SECOND);
		assertThat(wait.candidates()).containsExactly(this.fresh);
		assertThat(wait.precondition()).isEqualTo(new Precondition.AwaitGtids(gtids(105)));

		assertThat(ReadYourWritesFilter.apply(List.of(this.late), topology, inputs(gtids(105), null), SECOND).toPrimary())
			.as("the closest is further behind than a wait")
			.isTrue();
		assertThat(ReadYourWritesFilter.apply(List.of(this.fresh), topology, inputs(gtids(105), gtids(105)), SECOND)
			.toPrimary()).as("this thread waited in vain for the same").isTrue();
		assertThat(ReadYourWritesFilter.apply(List.of(this.fresh), topology, inputs(gtids(106), gtids(105)), SECOND)
			.toPrimary()).as("the session wrote again since: it waits again").isFalse();
		assertThat(ReadYourWritesFilter.apply(List.of(this.fresh), topology, inputs(GtidSet.EMPTY, null), SECOND))
			.isNull();
	}

	@Test
	void readYourWritesAsksForANewerPrimaryPositionBeforeIgnoringTransactionsThePrimaryLacks() {
		long now = System.currentTimeMillis();
		RoutingTopology topology = new RoutingTopology("primary", null, "default", List.of(this.fresh), List.of(),
				gtids(100), now - 1000);
		assertThat(ReadYourWritesFilter.apply(List.of(this.fresh), topology, inputs(gtids(500), null), SECOND).verify())
			.isTrue();
		RoutingTopology newer = topology.withPrimaryPosition(gtids(100), now + 5);
		ReadYourWritesFilter.Narrowing proven = ReadYourWritesFilter.apply(List.of(this.fresh), newer,
				new ReadYourWritesFilter.Inputs(gtids(500), GtidSet.EMPTY, now, false, null), SECOND);
		assertThat(proven.ignored()).isEqualTo(gtids(500));
		assertThat(proven.candidates()).containsExactly(this.fresh);
		assertThat(proven.reason()).isEqualTo(RouteReason.GTID_CAUGHT_UP);
		// This instance's own commits are never doubted, however new.
		assertThat(ReadYourWritesFilter.apply(List.of(this.fresh), topology,
				new ReadYourWritesFilter.Inputs(gtids(101), gtids(101), 0, false, null), SECOND)
			.precondition()).isEqualTo(new Precondition.AwaitGtids(gtids(101)));
	}

	private static ReadYourWritesFilter.Inputs inputs(GtidSet required, GtidSet waitedInVain) {
		return new ReadYourWritesFilter.Inputs(required, GtidSet.EMPTY, 0, false, waitedInVain);
	}

	@Test
	void preconditionsComposeWithoutDroppingARequirement() {
		Precondition await = new Precondition.AwaitGtids(gtids(120));
		Precondition catchUp = new Precondition.CatchUpWithPrimary(GtidSet.EMPTY, gtids(100));
		assertThat(Precondition.and(Precondition.NONE, await)).isSameAs(await);
		assertThat(Precondition.and(await, Precondition.NONE)).isSameAs(await);
		assertThat(Precondition.and(await, new Precondition.AwaitGtids(gtids(130))))
			.isEqualTo(new Precondition.AwaitGtids(gtids(130)));
		assertThat(Precondition.and(await, catchUp)).isEqualTo(new Precondition.CatchUpWithPrimary(gtids(120), gtids(100)));
		assertThat(Precondition.and(catchUp, await)).isEqualTo(new Precondition.CatchUpWithPrimary(gtids(120), gtids(100)));
	}

	@Test
	void aStickySessionKeepsItsReplicaAndMovesOnlyWithACatchUpThatKeepsItsOwnRequirement() {
		SlowStartSelector balancer = new SlowStartSelector(new RoundRobinReplicaSelector(), 0);
		ConsistencyToken onFresh = ConsistencyToken.EMPTY.withReplica("fresh");
		StickyFilter.Choice hit = StickyFilter.choose(List.of(this.late, this.fresh), Precondition.NONE, onFresh, null,
				SECOND, balancer, false);
		assertThat(hit.node()).isSameAs(this.fresh);
		assertThat(hit.update()).isEqualTo(Plan.StickyUpdate.HIT);

		Precondition own = new Precondition.AwaitGtids(gtids(120));
		ReplicaNode near = replica("near", SECOND / 2, 99);
		StickyFilter.Choice move = StickyFilter.choose(List.of(this.late, near), own, onFresh, gtids(110), SECOND,
				balancer, false);
		assertThat(move.node()).isSameAs(near);
		assertThat(move.update()).isEqualTo(Plan.StickyUpdate.MOVE);
		assertThat(move.precondition()).isEqualTo(new Precondition.CatchUpWithPrimary(gtids(120), gtids(110)));

		assertThat(StickyFilter.choose(List.of(this.late), own, onFresh, null, SECOND, balancer, false).node())
			.as("further behind than a wait").isNull();
		assertThat(StickyFilter.choose(List.of(near), own, onFresh, null, SECOND, balancer, true).node())
			.as("the last catch-up failed and nothing changed").isNull();
		StickyFilter.Choice assign = StickyFilter.choose(List.of(near), Precondition.NONE, ConsistencyToken.EMPTY, null,
				SECOND, balancer, false);
		assertThat(assign.update()).isEqualTo(Plan.StickyUpdate.ASSIGN);
	}

	@Test
	void slowStartNeverRefusesTheOnlyReplicaAndLeavesReplicasNotRampingAlone() {
		SlowStartSelector selector = new SlowStartSelector(new RoundRobinReplicaSelector(), 3_600 * SECOND);
		ReplicaNode ramping = this.fresh.withSlowStart(System.nanoTime());
		assertThat(selector.select(List.of(ramping))).isSameAs(ramping);
		for (int i = 0; i < 100; i++) {
			assertThat(selector.ramp(List.of(ramping, this.late), ramping)).isSameAs(this.late);
			assertThat(selector.ramp(List.of(ramping, this.late), this.late)).isSameAs(this.late);
		}
		assertThat(SlowStartSelector.share(this.late, 3_600 * SECOND)).isEqualTo(1.0);
	}

}
