package io.github.rwsplit.routing;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.AbstractDataSource;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.metrics.RwsplitMetrics;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes routing decisions and how they are counted, with stub nodes: a replica whose
 * wait for the session's writes always fails, and replica positions set by hand.
 */
class ReadYourWritesRoutingTests {

	private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private final DataSource replica = new CannotWaitDataSource("replica-1");

	private final ReplicaNode node = new ReplicaNode("replica-1", "default", 1, this.replica, () -> 0);

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary",
			new StubDataSource("primary", null), List.of(this.node),
			new RoutingTopology("primary", "default", List.of(at("1-5"))), new RoundRobinReplicaSelector());

	private ConsistencyContext.Scope session;

	private ReplicaNode at(String gtids) {
		return this.node.withHealth(0, GtidSet.parse(UUID + ":" + gtids), System.currentTimeMillis());
	}

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

	@Test
	void aReplicaWithAGappedSetServesTheSessionThatCommittedAcrossTheGap() throws SQLException {
		// Group Replication after an election: the session wrote 1-5, then 1000004 on the new primary.
		this.router.setConsistency(new ConsistencySettings(ConsistencyMode.GTID, Duration.ofSeconds(5),
				Duration.ofSeconds(1), Duration.ZERO));
		this.router.setTopology(new RoutingTopology("primary", "default", List.of(at("1-5:1000004"))));
		this.session = ConsistencyContext.open(ConsistencyToken.of(GtidSet.parse(UUID + ":1-5"), 0)
			.afterCommit(GtidSet.parse(UUID + ":1000004"), 1), null);
		RouteCounts counts = this.router.view().routeCounts();

		assertThat(read()).isEqualTo("replica-1");
		assertThat(counts.route("replica-1", RouteReason.GTID_CAUGHT_UP).sum()).isEqualTo(1);
	}

	@Test
	void aReadThatWaitedInVainUsesAReplicaOnceOneIsKnownToHaveTheWrites() throws SQLException {
		this.router.setConsistency(new ConsistencySettings(ConsistencyMode.GTID, Duration.ofSeconds(5),
				Duration.ofSeconds(1), Duration.ZERO));
		this.session = ConsistencyContext.open(ConsistencyToken.of(GtidSet.parse(UUID + ":1-10"), 0), null);
		RouteCounts counts = this.router.view().routeCounts();

		// The replica has 1-5 of 1-10: the read waits on it, the wait fails, the primary serves it.
		assertThat(read()).isEqualTo("primary");
		assertThat(counts.route("primary", RouteReason.FALLBACK).sum()).isEqualTo(1);
		assertThat(counts.fallback(RouteCounts.FallbackCause.CONSISTENCY).sum()).isEqualTo(1);

		// Still behind: no second wait, straight to the primary.
		assertThat(read()).isEqualTo("primary");
		assertThat(counts.fallback(RouteCounts.FallbackCause.CONSISTENCY).sum()).isEqualTo(2);

		// The monitor sees it caught up: the same session reads from the replica again.
		this.router.setTopology(new RoutingTopology("primary", "default", List.of(at("1-20"))));
		assertThat(read()).isEqualTo("replica-1");
		assertThat(counts.route("replica-1", RouteReason.GTID_CAUGHT_UP).sum()).isEqualTo(1);
		assertThat(counts.fallback(RouteCounts.FallbackCause.CONSISTENCY).sum()).isEqualTo(2);
	}

	@Test
	void aWaitInVainIsTimedInEveryRegistryTheMetricsAreBoundTo() throws SQLException {
		this.router.setConsistency(new ConsistencySettings(ConsistencyMode.GTID, Duration.ofSeconds(5),
				Duration.ofSeconds(1), Duration.ZERO));
		RwsplitMetrics metrics = new RwsplitMetrics(this.router, null, List.of());
		SimpleMeterRegistry first = new SimpleMeterRegistry();
		SimpleMeterRegistry second = new SimpleMeterRegistry();
		metrics.bindTo(first);
		metrics.bindTo(second);
		this.session = ConsistencyContext.open(ConsistencyToken.of(GtidSet.parse(UUID + ":1-10"), 0), null);

		assertThat(read()).isEqualTo("primary");
		for (SimpleMeterRegistry registry : List.of(first, second)) {
			assertThat(registry.get(RwsplitMetrics.CONSISTENCY_WAIT).tag("outcome", "timed-out").timer().count())
				.isEqualTo(1);
			assertThat(registry.get(RwsplitMetrics.CONSISTENCY_WAIT).tag("outcome", "caught-up").timer().count())
				.isZero();
			assertThat(registry.get(RwsplitMetrics.FALLBACK).tag("reason", "consistency").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get(RwsplitMetrics.ROUTE)
				.tags("node", "primary", "role", "primary", "reason", "fallback")
				.functionCounter()
				.count()).isEqualTo(1);
		}
	}

	@Test
	void aRefusedReplicaCheckoutIsCountedAsARetryNotAFallback() throws SQLException {
		ReplicaNode refusing = new ReplicaNode("replica-2", "default", 1, new RefusingDataSource(), () -> 0);
		ReadWriteRoutingDataSource twoReplicas = new ReadWriteRoutingDataSource("primary",
				new StubDataSource("primary", null), List.of(this.node, refusing),
				new RoutingTopology("primary", "default", List.of(this.node.withLag(0), refusing.withLag(0))),
				new RoundRobinReplicaSelector());
		RouteCounts counts = twoReplicas.view().routeCounts();
		for (int i = 0; i < 4; i++) {
			try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
					Connection connection = twoReplicas.getConnection()) {
				assertThat(connection.getCatalog()).isEqualTo("replica-1");
			}
		}
		assertThat(counts.route("replica-1", RouteReason.ANNOTATION).sum()).isEqualTo(4);
		assertThat(counts.checkoutRetries().sum()).isPositive();
		for (RouteCounts.FallbackCause cause : RouteCounts.FallbackCause.values()) {
			assertThat(counts.fallback(cause).sum()).as(cause.tag()).isZero();
		}
	}

	/** Connections that answer like the node but cannot prepare a statement, such as the wait. */
	private static final class CannotWaitDataSource extends TestDataSource {

		private final Connection connection;

		CannotWaitDataSource(String node) {
			Connection stub = new StubDataSource(node, null).getConnection();
			this.connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, args) -> {
						if (method.getName().equals("prepareStatement")) {
							throw new SQLException("stub cannot wait");
						}
						return method.invoke(stub, args);
					});
		}

		@Override
		public Connection getConnection() {
			return this.connection;
		}

	}

	/** A replica whose pool refuses every checkout. */
	private static final class RefusingDataSource extends TestDataSource {

		@Override
		public Connection getConnection() throws SQLException {
			throw new SQLException("pool exhausted", "08001");
		}

	}

	private abstract static class TestDataSource extends AbstractDataSource {

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

	}

}
