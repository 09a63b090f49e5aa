package io.github.rwsplit.observation;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.AbstractDataSource;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.barrier.BarrierResult;
import io.github.rwsplit.barrier.BarrierTimeoutPolicy;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.gtid.FakeGtidNode;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.routing.ConsistencySettings;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaFallback;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.Route;
import io.github.rwsplit.routing.RoutingContext;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.routing.WaitObserver;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * rwsplit's waits as observations, against stand-in replicas that answer
 * {@code WAIT_FOR_EXECUTED_GTID_SET}: one observation per wait, with its node, role, reason and
 * outcome and nothing high-cardinality; none for work that waits for nothing.
 */
class WaitObservationTests {

	private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private ConsistencyContext.Scope session;

	private WriteBarrier barrier;

	@AfterEach
	void close() {
		if (this.session != null) {
			this.session.close();
		}
		if (this.barrier != null) {
			this.barrier.close();
		}
	}

	private static GtidSet gtids(String range) {
		return GtidSet.parse(UUID + ":" + range);
	}

	/** A router over one stand-in replica the monitor saw at 1-5, observed through the test registry. */
	private ReadWriteRoutingDataSource router(DataSource replica) {
		ReplicaNode node = new ReplicaNode("replica-1", "default", 1, replica, () -> 0);
		ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary", new StubDataSource("primary"),
				List.of(node), new RoutingTopology("primary", "default",
						List.of(node.withHealth(0, gtids("1-5"), System.currentTimeMillis()))),
				new RoundRobinReplicaSelector());
		router.setConsistency(new ConsistencySettings(ConsistencyMode.GTID, Duration.ofSeconds(5),
				Duration.ofMillis(200), Duration.ZERO));
		router.setWaitObserver(new ObservationWaitObserver(this.registry, null));
		return router;
	}

	private static String read(ReadWriteRoutingDataSource router) throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
				Connection connection = router.getConnection()) {
			return connection.getCatalog();
		}
	}

	@Test
	void aReadYourWritesWaitThatCaughtUpIsObservedAsReached() throws SQLException {
		ReadWriteRoutingDataSource router = router(new FakeGtidNode("replica-1", true, 0));
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids("1-10"), 0), null);

		assertThat(read(router)).isEqualTo("replica-1");
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo("rwsplit.wait", 1)
			.hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasContextualNameEqualTo("rwsplit wait read-your-writes")
			.hasLowCardinalityKeyValue("node", "replica-1")
			.hasLowCardinalityKeyValue("role", "replica")
			.hasLowCardinalityKeyValue("reason", "read-your-writes")
			.hasLowCardinalityKeyValue("outcome", "reached")
			.hasBeenStarted()
			.hasBeenStopped();
		assertNothingHighCardinality();
	}

	@Test
	void aReadYourWritesWaitThatTimedOutIsObservedAsTimeoutAndTheReadFallsBack() throws SQLException {
		ReadWriteRoutingDataSource router = router(new FakeGtidNode("replica-1", false, 0));
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids("1-10"), 0), null);

		assertThat(read(router)).isEqualTo("primary");
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo("rwsplit.wait", 1)
			.hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasLowCardinalityKeyValue("node", "replica-1")
			.hasLowCardinalityKeyValue("reason", "read-your-writes")
			.hasLowCardinalityKeyValue("outcome", "timeout")
			.hasBeenStopped();
		assertNothingHighCardinality();
	}

	@Test
	void aReadYourWritesWaitThatFailsIsObservedAsAnError() throws SQLException {
		ReadWriteRoutingDataSource router = router(new LostConnectionDataSource());
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids("1-10"), 0), null);

		assertThat(read(router)).isEqualTo("primary");
		assertThat(this.registry).hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasLowCardinalityKeyValue("node", "replica-1")
			.hasLowCardinalityKeyValue("outcome", "error")
			.hasBeenStopped();
	}

	@Test
	void aReadThatWaitsForNothingIsNotObserved() throws SQLException {
		ReadWriteRoutingDataSource router = router(new FakeGtidNode("replica-1", true, 0));
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids("1-5"), 0), null);

		assertThat(read(router)).isEqualTo("replica-1");
		assertThat(this.registry).doesNotHaveAnyObservation();
	}

	@Test
	void theWaitIsAChildOfTheObservationInScope() throws SQLException {
		ReadWriteRoutingDataSource router = router(new FakeGtidNode("replica-1", true, 0));
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids("1-10"), 0), null);
		Observation request = Observation.start("request", this.registry);
		try (Observation.Scope scope = request.openScope()) {
			read(router);
		}
		request.stop();

		assertThat(this.registry).hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasParentObservationEqualTo(request);
	}

	@Test
	void aWriteBarrierThatIsMetIsObservedAsReached() {
		ReadWriteRoutingDataSource router = router(new FakeGtidNode("replica-1", true, 0));
		this.barrier = new WriteBarrier(router, Duration.ofMillis(500), BarrierTimeoutPolicy.WARN);

		assertThat(this.barrier.await(gtids("11"), 1, null, null).outcome()).isEqualTo(BarrierResult.Outcome.MET);
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo("rwsplit.wait", 1)
			.hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasContextualNameEqualTo("rwsplit wait write-barrier")
			.hasLowCardinalityKeyValue("node", "none")
			.hasLowCardinalityKeyValue("role", "replica")
			.hasLowCardinalityKeyValue("reason", "write-barrier")
			.hasLowCardinalityKeyValue("outcome", "reached");
	}

	@Test
	void aWriteBarrierThatTimesOutIsObservedAsTimeout() {
		ReadWriteRoutingDataSource router = router(new FakeGtidNode("replica-1", false, 0));
		this.barrier = new WriteBarrier(router, Duration.ofMillis(100), BarrierTimeoutPolicy.WARN);

		assertThat(this.barrier.await(gtids("11"), 1, null, null).outcome())
			.isEqualTo(BarrierResult.Outcome.TIMED_OUT);
		assertThat(this.registry).hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasLowCardinalityKeyValue("reason", "write-barrier")
			.hasLowCardinalityKeyValue("outcome", "timeout");
	}

	@Test
	void aBarrierTheMonitorAlreadyMeetsWaitsForNothingAndIsNotObserved() {
		ReadWriteRoutingDataSource router = router(new FakeGtidNode("replica-1", false, 0));
		this.barrier = new WriteBarrier(router, Duration.ofMillis(100), BarrierTimeoutPolicy.WARN);

		assertThat(this.barrier.await(gtids("3"), 1, null, null).outcome()).isEqualTo(BarrierResult.Outcome.MET);
		assertThat(this.registry).doesNotHaveAnyObservation();
	}

	@Test
	void aFallbackWaitForAReplicaIsObservedWithItsOutcome() throws SQLException {
		ReadWriteRoutingDataSource router = router(new FakeGtidNode("replica-1", true, 0));
		RoutingTopology none = new RoutingTopology("primary", "default", List.of());
		RoutingTopology one = router.getTopology();
		router.setTopology(none);
		router.setFallback(new ReplicaFallback(ReplicaFallback.Policy.WAIT, Duration.ofMillis(50), 1));

		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> read(router));
		assertThat(this.registry).hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasContextualNameEqualTo("rwsplit wait no-replica")
			.hasLowCardinalityKeyValue("node", "none")
			.hasLowCardinalityKeyValue("role", "replica")
			.hasLowCardinalityKeyValue("outcome", "timeout");

		// The replica returns to rotation as the next wait starts: that wait ends as reached.
		TestObservationRegistry second = TestObservationRegistry.create();
		ObservationWaitObserver observer = new ObservationWaitObserver(second, null);
		router.setWaitObserver((reason, node) -> {
			WaitObserver.Wait wait = observer.start(reason, node);
			router.setTopology(one);
			return wait;
		});
		assertThat(read(router)).isEqualTo("replica-1");
		assertThat(second).hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasLowCardinalityKeyValue("reason", "no-replica")
			.hasLowCardinalityKeyValue("outcome", "reached");
	}

	@Test
	void aNoopRegistryObservesNothingAndAllocatesNoWait() {
		ObservationWaitObserver observer = new ObservationWaitObserver(ObservationRegistry.NOOP, null);

		assertThat(observer.start(WaitObserver.Reason.READ_YOUR_WRITES, "replica-1")).isSameAs(WaitObserver.Wait.NONE);
		assertThat(WaitObserver.NONE.start(WaitObserver.Reason.WRITE_BARRIER, WaitObserver.NO_NODE))
			.isSameAs(WaitObserver.Wait.NONE);
	}

	@Test
	void anApplicationConventionNamesTheObservation() throws SQLException {
		ReadWriteRoutingDataSource router = router(new FakeGtidNode("replica-1", true, 0));
		router.setWaitObserver(new ObservationWaitObserver(this.registry, new DefaultWaitObservationConvention() {

			@Override
			public String getName() {
				return "app.db.wait";
			}

		}));
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids("1-10"), 0), null);

		read(router);
		assertThat(this.registry).hasObservationWithNameEqualTo("app.db.wait")
			.that()
			.hasLowCardinalityKeyValue("outcome", "reached");
	}

	/** A replica whose connection is lost as soon as it is asked to wait. */
	private static final class LostConnectionDataSource extends AbstractDataSource {

		@Override
		public Connection getConnection() {
			Connection stub = new StubDataSource("replica-1").getConnection();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						if (method.getName().equals("prepareStatement")) {
							throw new SQLException("Communications link failure", "08S01");
						}
						return method.invoke(stub, args);
					});
		}

		@Override
		public Connection getConnection(String username, String password) {
			return getConnection();
		}

	}

	private void assertNothingHighCardinality() {
		assertThat(this.registry).hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts)
			.allSatisfy((context) -> assertThat(context.getHighCardinalityKeyValues()).isEmpty()));
	}

}
