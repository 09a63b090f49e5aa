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
	void whatWasLearnedOutlivesSnapshotsWhoseMeasuredSetGrowsButNotOneThatShrank() {
		ReplicaNode node = measured(this.replica, "1-5");
		node.learnExecuted(gtids("1-12"));
		assertThat(node.hasExecuted(gtids("1-12"))).isTrue();
		assertThat(node.hasExecuted(gtids("1-13"))).isFalse();

		ReplicaNode later = measured(node, "1-8").withSlowStart(0);
		assertThat(later.hasExecuted(gtids("1-12"))).as("the monitor measured before the wait learned more").isTrue();

		ReplicaNode rebuilt = measured(later, "1-3");
		assertThat(rebuilt.hasExecuted(gtids("1-4"))).as("a replica whose executed set shrank knows only what it says")
			.isFalse();
	}

	@Test
	void learningKeepsTheUnionOfWhatEachWaitProved() {
		ReplicaNode node = measured(this.replica, "1-5");
		String other = "4c2ac5a4-71ca-11e1-9e33-c80aa9429562";
		node.learnExecuted(gtids("1-12"));
		node.learnExecuted(GtidSet.parse(other + ":1-3"));
		node.learnExecuted(gtids("1-7"));
		assertThat(node.hasExecuted(GtidSet.parse(UUID + ":1-12," + other + ":1-3"))).isTrue();
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
