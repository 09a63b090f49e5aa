package io.github.rwsplit.routing;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.monitor.HealthThresholds;
import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.monitor.MonitorSettings;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Learning from waits: a wait that succeeds publishes the replica's executed set at once, so that
 * other sessions whose requirements it covers read without waiting, before the monitor's next
 * snapshot says so.
 */
class LearnedExecutedTests {

	private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private final AtomicInteger waits = new AtomicInteger();

	/** What the replica answers after a wait: it has executed up to 12. */
	private final DataSource replicaPool = replicaAnswering(UUID + ":1-12", this.waits);

	private final ReplicaNode replica = new ReplicaNode("replica-1", "default", 1, this.replicaPool, () -> 0);

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary",
			new StubDataSource("primary"), List.of(this.replica),
			new RoutingTopology("primary", "default", List.of(measured(this.replica, "1-5"))),
			new RoundRobinReplicaSelector());

	private ConsistencyContext.Scope session;

	LearnedExecutedTests() {
		// What the lag monitor does at each publication; without it nothing is learned.
		this.replica.observeMeasured(gtids("1-5"), true);
	}

	@AfterEach
	void close() {
		if (this.session != null) {
			this.session.close();
		}
		this.router.close();
	}

	@Test
	void aSuccessfulWaitLetsOtherSessionsWithCoveredRequirementsReadWithoutWaiting() throws SQLException {
		this.router.setConsistency(new ConsistencySettings(ConsistencyMode.GTID, Duration.ofSeconds(5),
				Duration.ofSeconds(1), Duration.ZERO));
		RouteCounts counts = this.router.view().routeCounts();

		assertThat(readAs("1-10")).isEqualTo("replica-1");
		assertThat(this.waits).hasValue(1);
		assertThat(counts.route("replica-1", RouteReason.GTID_WAIT).sum()).isEqualTo(1);

		// Another session, which wrote 11: the wait above learned the replica has 1-12.
		assertThat(readAs("1-11")).isEqualTo("replica-1");
		assertThat(readAs("1-12")).isEqualTo("replica-1");
		assertThat(this.waits).as("no wait for what a wait already proved").hasValue(1);
		assertThat(counts.route("replica-1", RouteReason.GTID_CAUGHT_UP).sum()).isEqualTo(2);

		// Beyond it: a wait again.
		assertThat(readAs("1-13")).isEqualTo("replica-1");
		assertThat(this.waits).hasValue(2);
	}

	@Test
	void whatWasLearnedIsSharedBySnapshotsUntilTheMonitorCouldHaveSeenTheReplicaReset() {
		ReplicaNode node = this.replica;
		learn(node, "1-12");
		assertThat(node.hasExecuted(gtids("1-12"))).isTrue();
		assertThat(node.hasExecuted(gtids("1-13"))).isFalse();
		assertThat(measured(node, "1-8").withSlowStart(0).hasExecuted(gtids("1-12")))
			.as("a snapshot's copy of the node shares it").isTrue();

		node.observeMeasured(gtids("1-8"), true);
		assertThat(node.hasExecuted(gtids("1-12"))).as("measured before the wait learned more: kept").isTrue();

		node.observeMeasured(gtids("1-3"), true);
		assertThat(node.hasExecuted(gtids("1-4"))).as("the measured set shrank: the replica was reset").isFalse();

		learn(node, "1-12");
		node.observeMeasured(gtids("1-12"), false);
		assertThat(node.hasExecuted(gtids("1-4"))).as("out of rotation").isFalse();

		node.observeMeasured(gtids("1-3"), true);
		learn(node, "1-12");
		node.observeMeasured(null, true);
		assertThat(node.hasExecuted(gtids("1-4"))).as("executed set unknown (heartbeat lag source)").isFalse();
	}

	@Test
	void aWaitThatBeganBeforeKnowledgeWasWithdrawnCannotPublish() {
		long before = this.replica.knowledgeEpoch();
		this.replica.observeMeasured(gtids("1-2"), true);
		this.replica.learnExecuted(gtids("1-12"), before);
		assertThat(this.replica.hasExecuted(gtids("1-12"))).isFalse();
	}

	@Test
	void withoutAMonitorNothingIsLearned() {
		ReplicaNode unobserved = new ReplicaNode("replica-2", "default", 1, this.replicaPool, () -> 0);
		unobserved.learnExecuted(gtids("1-12"), unobserved.knowledgeEpoch());
		assertThat(unobserved.hasExecuted(gtids("1-12"))).isFalse();
	}

	@Test
	void aMeasurementThatCoversWhatWasLearnedReplacesIt() {
		learn(this.replica, "1-12");
		this.replica.observeMeasured(gtids("1-20"), true);
		assertThat(this.replica.learnedExecuted()).isEqualTo(GtidSet.EMPTY);
	}

	@Test
	void theMonitorWithdrawsWhatWasLearnedOfAReplicaItTakesOutOfRotation() {
		ReplicaLagMonitor monitor = new ReplicaLagMonitor(this.router,
				new ReplicaLagMonitor.Endpoint("primary", "jdbc:mysql://127.0.0.1:1/app", null, null),
				List.of(new ReplicaLagMonitor.Endpoint("replica-1", "jdbc:mysql://127.0.0.1:1/app", null, null)),
				new MonitorSettings(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(250),
						new HealthThresholds(Duration.ofSeconds(1), Duration.ofMillis(500), 3), LagSource.GTID, "hb",
						false));
		learn(this.replica, "1-12");
		assertThat(this.replica.hasExecuted(gtids("1-12"))).isTrue();
		monitor.drain("replica-1");
		assertThat(this.replica.hasExecuted(gtids("1-12"))).isFalse();
	}

	@Test
	void learningKeepsTheUnionOfWhatEachWaitProved() {
		String other = "4c2ac5a4-71ca-11e1-9e33-c80aa9429562";
		learn(this.replica, "1-12");
		this.replica.learnExecuted(GtidSet.parse(other + ":1-3"), this.replica.knowledgeEpoch());
		learn(this.replica, "1-7");
		assertThat(this.replica.hasExecuted(GtidSet.parse(UUID + ":1-12," + other + ":1-3"))).isTrue();
	}

	private static void learn(ReplicaNode node, String intervals) {
		node.learnExecuted(gtids(intervals), node.knowledgeEpoch());
	}

	private String readAs(String required) throws SQLException {
		if (this.session != null) {
			this.session.close();
		}
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(required), 0), null);
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
				Connection connection = this.router.getConnection()) {
			return connection.getCatalog();
		}
	}

	private static GtidSet gtids(String intervals) {
		return GtidSet.parse(UUID + ":" + intervals);
	}

	private static ReplicaNode measured(ReplicaNode node, String intervals) {
		return node.withHealth(0, gtids(intervals), System.currentTimeMillis());
	}

	/** A replica whose every wait succeeds and reports the executed set it was given. */
	private static DataSource replicaAnswering(String executed, AtomicInteger waits) {
		DataSource pool = mock(DataSource.class);
		try {
			given(pool.getConnection()).willAnswer((invocation) -> proxy(Connection.class, (proxy, method, args) -> switch (method.getName()) {
				case "prepareStatement" -> {
					waits.incrementAndGet();
					yield proxy(PreparedStatement.class, (statement, call, values) -> switch (call.getName()) {
						case "executeQuery" -> {
							boolean[] read = { false };
							yield proxy(ResultSet.class, (rs, row, none) -> switch (row.getName()) {
								case "next" -> {
									boolean first = !read[0];
									read[0] = true;
									yield first;
								}
								case "getInt" -> 0;
								case "getString" -> executed;
								default -> (row.getReturnType() == boolean.class) ? false : null;
							});
						}
						default -> (call.getReturnType() == int.class) ? 0 : null;
					});
				}
				case "getCatalog" -> "replica-1";
				case "getNetworkTimeout" -> 0;
				case "getAutoCommit", "isValid" -> true;
				default -> (method.getReturnType() == boolean.class) ? false : null;
			}));
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return pool;
	}

	private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
		return type.cast(Proxy.newProxyInstance(LearnedExecutedTests.class.getClassLoader(), new Class<?>[] { type },
				handler));
	}

}
