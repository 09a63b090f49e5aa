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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Slow start and sticky replicas, decided by the router over stub replicas whose positions are set
 * by hand.
 */
class BalancingRoutingTests {

	private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final int DRAWS = 40_000;

	private final ReplicaNode one = new ReplicaNode("replica-1", "default", 1, new GtidNode("replica-1", 100), () -> 0);

	private final ReplicaNode two = new ReplicaNode("replica-2", "default", 1, new GtidNode("replica-2", 100), () -> 0);

	private final ReplicaNode three = new ReplicaNode("replica-3", "default", 1, new GtidNode("replica-3", 100),
			() -> 0);

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary",
			new GtidNode("primary", 100), List.of(this.one, this.two, this.three),
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
		return read(this.router);
	}

	private static String read(ReadWriteRoutingDataSource router) throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
				Connection connection = router.getConnection()) {
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
		assertThat(this.router.view().slowStartShare(this.router.getTopology().replicas().get(2))).isCloseTo(0.25,
				within(0.01));
		// Three quarters of the way.
		topology(List.of(this.one, this.two, this.three.withSlowStart(System.nanoTime() - window.toNanos() * 3 / 4)));
		assertThat(shares().get("replica-3")).isCloseTo(0.75 / 3, within(0.02));
		// Past the window: a full share.
		topology(List.of(this.one, this.two, this.three.withSlowStart(System.nanoTime() - window.toNanos())));
		assertThat(shares().get("replica-3")).isCloseTo(1 / 3.0, within(0.02));
		assertThat(this.router.view().balancingCounts().slowStartDeferred.sum()).isPositive();
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
		BalancingCounts counts = this.router.view().balancingCounts();
		assertThat(counts.stickyAssigned.sum()).isEqualTo(3);
		assertThat(counts.stickyHits.sum()).isEqualTo(60);
	}

	@Test
	void aStickySessionMovesOnlyToAReplicaThatHasCaughtUpWithThePrimary() throws SQLException {
		GtidNode primary = new GtidNode("primary", 100);
		GtidNode ahead = new GtidNode("replica-1", 100);
		GtidNode behind = new GtidNode("replica-2", 40);
		ReplicaNode one = new ReplicaNode("replica-1", "default", 1, ahead, () -> 0);
		ReplicaNode two = new ReplicaNode("replica-2", "default", 1, behind, () -> 0);
		ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary", primary, List.of(one, two),
				new RoutingTopology("primary", "default", List.of(one.withLag(0), two.withLag(60_000_000_000L))),
				new RoundRobinReplicaSelector());
		router.setStickyReplicas(true);
		this.session = ConsistencyContext.open(ConsistencyToken.EMPTY.withReplica("replica-1"), null);
		assertThat(read(router)).isEqualTo("replica-1");

		// Its replica leaves rotation; the other has not applied what the primary has: the primary serves.
		router.setTopology(new RoutingTopology("primary", null, "default", List.of(two.withLag(60_000_000_000L)),
				List.of(new RoutingTopology.Exclusion("replica-1", "default", "DRAINED", "test"))));
		assertThat(read(router)).isEqualTo("primary");
		assertThat(ConsistencyContext.currentToken().replica()).isNull();
		assertThat(ConsistencyContext.currentToken().observedMillis()).isPositive();
		// Its replica returns, but the session has since read from the primary: it must catch up too.
		primary.executed.set(120);
		router.setTopology(new RoutingTopology("primary", "default", List.of(one.withLag(0), two.withLag(0))));
		assertThat(read(router)).isEqualTo("primary");
		assertThat(router.view().balancingCounts().stickyPrimary.sum()).isEqualTo(2);
		assertThat(router.view().routeCounts().fallback(RouteCounts.FallbackCause.CONSISTENCY).sum()).isEqualTo(2);

		// replica-2 catches up with the primary: the session moves there (least lag chosen) and stays.
		behind.executed.set(120);
		router.setTopology(new RoutingTopology("primary", "default", List.of(one.withLag(5_000_000_000L),
				two.withLag(0))));
		for (int i = 0; i < 5; i++) {
			assertThat(read(router)).isEqualTo("replica-2");
		}
		assertThat(ConsistencyContext.currentToken().replica()).isEqualTo("replica-2");
		assertThat(ConsistencyContext.currentToken().observedMillis()).isZero();
		assertThat(router.view().balancingCounts().stickyMoved.sum()).isEqualTo(1);
		assertThat(router.view().balancingCounts().stickyHits.sum()).isEqualTo(5);
	}

	@Test
	void aSessionStuckToAnUnknownReplicaIsGivenAnotherOne() throws SQLException {
		this.router.setStickyReplicas(true);
		this.session = ConsistencyContext.open(ConsistencyToken.EMPTY.withReplica("no-such-replica"), null);
		String chosen = read();
		assertThat(chosen).startsWith("replica-");
		assertThat(ConsistencyContext.currentToken().replica()).isEqualTo(chosen);
	}

	/**
	 * A node that has executed transactions 1 to {@code executed} of one source: answers
	 * {@code SELECT @@global.gtid_executed} and {@code WAIT_FOR_EXECUTED_GTID_SET} (at once: applied
	 * or not) like MySQL.
	 */
	static final class GtidNode extends org.springframework.jdbc.datasource.AbstractDataSource {

		final java.util.concurrent.atomic.AtomicLong executed;

		/** Connections handed out. */
		final java.util.concurrent.atomic.AtomicInteger checkouts = new java.util.concurrent.atomic.AtomicInteger();

		/** {@code WAIT_FOR_EXECUTED_GTID_SET} statements answered. */
		final java.util.concurrent.atomic.AtomicInteger waits = new java.util.concurrent.atomic.AtomicInteger();

		/** Whether the pool refuses every checkout, as an exhausted one does. */
		volatile boolean refusing;

		/** Run as each {@code WAIT_FOR_EXECUTED_GTID_SET} is sent, or {@code null}. */
		volatile Runnable onWait;

		private final String name;

		GtidNode(String name, long executed) {
			this.name = name;
			this.executed = new java.util.concurrent.atomic.AtomicLong(executed);
		}

		@Override
		public Connection getConnection() throws SQLException {
			if (this.refusing) {
				throw new java.sql.SQLTransientConnectionException(this.name + " - Connection is not available", "08001");
			}
			this.checkouts.incrementAndGet();
			return proxy(Connection.class, (method, args) -> switch (method) {
				case "getCatalog" -> this.name;
				case "getNetworkTimeout" -> 0;
				case "isClosed", "isValid" -> false;
				case "createStatement" -> statement(null);
				case "prepareStatement" -> statement(new String[1]);
				// rwsplit bounds its GTID statements with the network timeout and restores it.
				default -> null;
			});
		}

		private Object statement(String[] parameter) {
			Class<?> type = (parameter != null) ? java.sql.PreparedStatement.class : java.sql.Statement.class;
			return proxy(type, (method, args) -> {
				if (method.equals("setString")) {
					parameter[0] = (String) args[1];
					this.waits.incrementAndGet();
					Runnable hook = this.onWait;
					if (hook != null) {
						hook.run();
					}
				}
				return method.equals("executeQuery") ? resultSet(parameter) : null;
			});
		}

		private Object resultSet(String[] parameter) {
			boolean[] read = new boolean[1];
			GtidSet executedNow = GtidSet.parse(UUID + ":1-" + this.executed.get());
			return proxy(java.sql.ResultSet.class, (method, args) -> switch (method) {
				case "next" -> {
					boolean first = !read[0];
					read[0] = true;
					yield first;
				}
				case "getString" -> executedNow.toString();
				case "getInt" -> executedNow.contains(GtidSet.parse(parameter[0])) ? 0 : 1;
				case "wasNull" -> false;
				default -> null;
			});
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

		@SuppressWarnings("unchecked")
		private static <T> T proxy(Class<T> type, java.util.function.BiFunction<String, Object[], Object> answer) {
			return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
					(proxy, method, args) -> answer.apply(method.getName(), args));
		}

	}

}
