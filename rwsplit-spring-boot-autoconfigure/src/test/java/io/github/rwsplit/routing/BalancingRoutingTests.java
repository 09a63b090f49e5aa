package io.github.rwsplit.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Slow start and sticky replicas, decided by the router over stub replicas whose positions are set
 * by hand.
 */
class BalancingRoutingTests {

	private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final int DRAWS = 40_000;

	private final ReplicaNode one = new ReplicaNode("replica-1", "default", 1, new StubDataSource("replica-1"), () -> 0);

	private final ReplicaNode two = new ReplicaNode("replica-2", "default", 1, new StubDataSource("replica-2"), () -> 0);

	private final ReplicaNode three = new ReplicaNode("replica-3", "default", 1, new StubDataSource("replica-3"),
			() -> 0);

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary",
			new StubDataSource("primary"), List.of(this.one, this.two, this.three),
			new RoutingTopology("primary", "default", List.of(this.one, this.two, this.three)),
			new RoundRobinReplicaSelector());

	private ConsistencyContext.Scope session;

	@AfterEach
	void close() {
		if (this.session != null) {
			this.session.close();
		}
	}

	private String read() throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
				Connection connection = this.router.getConnection()) {
			return connection.getCatalog();
		}
	}

	private Map<String, Double> shares() throws SQLException {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < DRAWS; i++) {
			counts.merge(read(), 1, Integer::sum);
		}
		Map<String, Double> shares = new HashMap<>();
		counts.forEach((node, count) -> shares.put(node, count / (double) DRAWS));
		return shares;
	}

	private static ReplicaNode at(ReplicaNode node, String gtids) {
		return node.withHealth(0, GtidSet.parse(UUID + ":" + gtids), System.currentTimeMillis());
	}

	private void topology(List<ReplicaNode> inRotation, RoutingTopology.Exclusion... excluded) {
		this.router.setTopology(new RoutingTopology("primary", null, "default", inRotation, List.of(excluded)));
	}

	@Test
	void aReplicaInSlowStartGetsItsShareInProportionToItsTimeInRotation() throws SQLException {
		Duration window = Duration.ofHours(1);
		this.router.setSlowStart(window);
		// A quarter of the way through its ramp: a quarter of its third, the rest shared by the others.
		long since = System.nanoTime() - window.toNanos() / 4;
		topology(List.of(this.one, this.two, this.three.withSlowStart(since)));
		Map<String, Double> shares = shares();
		assertThat(shares.get("replica-3")).isCloseTo(0.25 / 3, within(0.02));
		assertThat(shares.get("replica-1")).isCloseTo((1 - 0.25 / 3) / 2, within(0.02));
		assertThat(this.router.slowStartShare(this.router.getTopology().replicas().get(2))).isCloseTo(0.25,
				within(0.01));
		// Three quarters of the way.
		topology(List.of(this.one, this.two, this.three.withSlowStart(System.nanoTime() - window.toNanos() * 3 / 4)));
		assertThat(shares().get("replica-3")).isCloseTo(0.75 / 3, within(0.02));
		// Past the window: a full share.
		topology(List.of(this.one, this.two, this.three.withSlowStart(System.nanoTime() - window.toNanos())));
		assertThat(shares().get("replica-3")).isCloseTo(1 / 3.0, within(0.02));
		assertThat(this.router.getBalancingCounts().slowStartDeferred.sum()).isPositive();
	}

	@Test
	void slowStartIsOffWithAZeroWindowAndNeverRefusesTheOnlyReplica() throws SQLException {
		topology(List.of(this.one, this.two, this.three.withSlowStart(System.nanoTime())));
		assertThat(shares().get("replica-3")).isCloseTo(1 / 3.0, within(0.02));
		this.router.setSlowStart(Duration.ofHours(1));
		topology(List.of(this.three.withSlowStart(System.nanoTime())));
		assertThat(read()).isEqualTo("replica-3");
	}

	@Test
	void aStickySessionKeepsItsReplicaWhileDifferentSessionsSpread() throws SQLException {
		this.router.setStickyReplicas(true);
		List<String> firstReplicas = new ArrayList<>();
		for (int s = 0; s < 3; s++) {
			try (ConsistencyContext.Scope scope = ConsistencyContext.open(ConsistencyToken.EMPTY, null)) {
				String first = read();
				firstReplicas.add(first);
				for (int i = 0; i < 20; i++) {
					assertThat(read()).isEqualTo(first);
				}
				assertThat(ConsistencyContext.currentToken().replica()).isEqualTo(first);
			}
		}
		assertThat(firstReplicas).containsExactlyInAnyOrder("replica-1", "replica-2", "replica-3");
		BalancingCounts counts = this.router.getBalancingCounts();
		assertThat(counts.stickyAssigned.sum()).isEqualTo(3);
		assertThat(counts.stickyHits.sum()).isEqualTo(60);
	}

	@Test
	void aStickySessionMovesOnlyToAReplicaAtLeastAsFarAlongAsItsOwn() throws SQLException {
		this.router.setStickyReplicas(true);
		topology(List.of(at(this.one, "1-100"), at(this.two, "1-40"), at(this.three, "1-90")));
		this.session = ConsistencyContext.open(ConsistencyToken.EMPTY.withReplica("replica-1"), null);
		assertThat(read()).isEqualTo("replica-1");

		// Its replica leaves rotation having applied 1-100; the others have less: the primary serves.
		RoutingTopology.Exclusion lagging = new RoutingTopology.Exclusion("replica-1", "default", "LAGGING", "test",
				GtidSet.parse(UUID + ":1-100"));
		topology(List.of(at(this.two, "1-40"), at(this.three, "1-90")), lagging);
		for (int i = 0; i < 5; i++) {
			assertThat(read()).isEqualTo("primary");
		}
		assertThat(this.router.getBalancingCounts().stickyPrimary.sum()).isEqualTo(5);
		assertThat(this.router.getRouteCounts().fallback(RouteCounts.FallbackCause.CONSISTENCY).sum()).isEqualTo(5);

		// replica-3 catches up past 100, replica-2 does not: the session moves to replica-3 and stays.
		topology(List.of(at(this.two, "1-40"), at(this.three, "1-120")), lagging);
		for (int i = 0; i < 5; i++) {
			assertThat(read()).isEqualTo("replica-3");
		}
		assertThat(ConsistencyContext.currentToken().replica()).isEqualTo("replica-3");
		assertThat(this.router.getBalancingCounts().stickyMoved.sum()).isEqualTo(1);

		// replica-1 returns ahead of everyone: the session stays where it is.
		topology(List.of(at(this.one, "1-200"), at(this.two, "1-40"), at(this.three, "1-120")));
		assertThat(read()).isEqualTo("replica-3");
	}

	@Test
	void aSessionStuckToAnUnknownReplicaIsGivenAnotherOne() throws SQLException {
		this.router.setStickyReplicas(true);
		this.session = ConsistencyContext.open(ConsistencyToken.EMPTY.withReplica("no-such-replica"), null);
		String chosen = read();
		assertThat(chosen).startsWith("replica-");
		assertThat(ConsistencyContext.currentToken().replica()).isEqualTo(chosen);
	}

}
