package io.github.rwsplit.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.gtid.WaitPermits;
import io.github.rwsplit.routing.BalancingRoutingTests.GtidNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The defects that lived where two routing features meet, each reproduced over stub nodes that
 * answer GTID statements like MySQL and count what they were asked.
 */
class RoutingDefectsTests {

	private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private final GtidNode primary = new GtidNode("primary", 100);

	private final GtidNode first = new GtidNode("replica-1", 100);

	private final GtidNode second = new GtidNode("replica-2", 100);

	private final ReplicaNode one = new ReplicaNode("replica-1", "default", 1, this.first, () -> 0);

	private final ReplicaNode two = new ReplicaNode("replica-2", "default", 1, this.second, () -> 0);

	/** Always the first candidate: the balancer that sent three attempts to one exhausted replica. */
	private final ReplicaSelector firstCandidate = (candidates) -> candidates.get(0);

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary", this.primary,
			List.of(this.one, this.two), new RoutingTopology("primary", "default", List.of(at(this.one, 100),
					at(this.two, 100))),
			this.firstCandidate);

	private ConsistencyContext.Scope session;

	@AfterEach
	void close() {
		if (this.session != null) {
			this.session.close();
		}
		this.router.close();
	}

	private static ReplicaNode at(ReplicaNode node, long executed) {
		return node.withHealth(0, GtidSet.parse(UUID + ":1-" + executed), System.currentTimeMillis());
	}

	private static GtidSet gtids(long upTo) {
		return GtidSet.parse(UUID + ":1-" + upTo);
	}

	private String read() throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
				Connection connection = this.router.getConnection()) {
			return connection.getCatalog();
		}
	}

	private void gtidMode() {
		this.router.setConsistency(new ConsistencySettings(ConsistencyMode.GTID, Duration.ofSeconds(5),
				Duration.ofMillis(200), Duration.ZERO));
	}

	@Test
	void aRetryNeverReturnsToTheReplicaThatJustRefusedAConnection() throws SQLException {
		this.first.refusing = true;
		for (int i = 0; i < 5; i++) {
			assertThat(read()).isEqualTo("replica-2");
		}
		assertThat(this.router.view().routeCounts().checkoutRetries().sum()).isEqualTo(5);
		assertThat(this.router.view().routeCounts().fallback(RouteCounts.FallbackCause.FAILED).sum()).isZero();
	}

	@Test
	void aStickySessionIsReleasedFromAReplicaWhosePoolRefusesForThatRead() throws SQLException {
		this.router.setStickyReplicas(true);
		this.session = ConsistencyContext.open(ConsistencyToken.EMPTY.withReplica("replica-1"), null);
		this.first.refusing = true;

		assertThat(read()).isEqualTo("replica-2");
		assertThat(ConsistencyContext.currentToken().replica()).isEqualTo("replica-2");
		assertThat(this.router.view().balancingCounts().stickyMoved.sum()).isEqualTo(1);
		// Moving caught replica-2 up with the primary first, as any move does.
		assertThat(this.second.waits.get()).isEqualTo(1);
	}

	@Test
	void aStickyMoveWhileThePrimaryIsDownNeverAsksThePrimaryAndKeepsTheSessionsOwnWrites() {
		gtidMode();
		this.router.setStickyReplicas(true);
		// The session wrote transaction 120 and reads from replica-1, which has gone; replica-2 has 110.
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(120), 0).withReplica("replica-1"), null);
		this.second.executed.set(110);
		this.router.setTopology(new RoutingTopology("primary", "unreachable: test", "default", List.of(at(this.two, 110)),
				List.of(new RoutingTopology.Exclusion("replica-1", "default", "UNREACHABLE", "test")), gtids(100),
				System.currentTimeMillis()));

		assertThatExceptionOfType(SQLException.class).isThrownBy(this::read)
			.withMessageContaining("consistency token")
			.withMessageContaining("primary is down");
		assertThat(this.primary.checkouts.get()).isZero();
		// replica-2 was asked for the session's write, not only for the primary's last known position.
		assertThat(this.second.waits.get()).isEqualTo(1);

		this.second.executed.set(120);
		this.router.setTopology(new RoutingTopology("primary", "unreachable: test", "default", List.of(at(this.two, 120)),
				List.of(new RoutingTopology.Exclusion("replica-1", "default", "UNREACHABLE", "test")), gtids(100),
				System.currentTimeMillis()));
		assertThat(this.primary.checkouts.get()).isZero();
		assertThat(readQuietly()).isEqualTo("replica-2");
	}

	private String readQuietly() {
		try {
			return read();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aFailedCatchUpIsNotRepeatedAtEveryReadOfTheSameSnapshot() throws SQLException {
		this.router.setStickyReplicas(true);
		this.session = ConsistencyContext.open(ConsistencyToken.EMPTY.withReplica("replica-1"), null);
		this.primary.executed.set(150);
		this.router.setTopology(new RoutingTopology("primary", null, "default", List.of(this.two.withLag(0)),
				List.of(new RoutingTopology.Exclusion("replica-1", "default", "DRAINED", "test"))));

		for (int i = 0; i < 5; i++) {
			assertThat(read()).isEqualTo("primary");
		}
		assertThat(this.second.waits.get()).isEqualTo(1);

		// A new snapshot may say something new: one more try, which succeeds once replica-2 caught up.
		this.second.executed.set(150);
		this.router.setTopology(new RoutingTopology("primary", null, "default", List.of(this.two.withLag(0)),
				List.of(new RoutingTopology.Exclusion("replica-1", "default", "DRAINED", "test"))));
		assertThat(read()).isEqualTo("replica-2");
		assertThat(this.second.waits.get()).isEqualTo(2);
	}

	@Test
	void aWaitInVainIsRememberedByValueNotByTheTokensIdentity() throws SQLException {
		gtidMode();
		this.router.setTopology(new RoutingTopology("primary", "default", List.of(at(this.one, 100), at(this.two, 100))));
		for (int request = 0; request < 5; request++) {
			// A new token object per request, as the web filter decodes one per request.
			try (ConsistencyContext.Scope scope = ConsistencyContext.open(ConsistencyToken.of(gtids(130), 0), null)) {
				assertThat(read()).isEqualTo("primary");
			}
		}
		assertThat(this.first.waits.get() + this.second.waits.get()).isEqualTo(1);
	}

	@Test
	void transactionsThePrimaryNeverExecutedAreIgnoredWithoutAReplicaWaitOrAPrimaryRead() throws SQLException {
		gtidMode();
		// The monitor read the primary at 100, after this read began (its clock is ahead here).
		this.router.setTopology(new RoutingTopology("primary", null, "default", List.of(at(this.one, 100),
				at(this.two, 100)), List.of(), gtids(100), System.currentTimeMillis() + 60_000));
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(999_999_999), 0), null);

		assertThat(read()).isEqualTo("replica-1");
		assertThat(this.first.waits.get() + this.second.waits.get()).isZero();
		assertThat(this.primary.checkouts.get()).isZero();
		assertThat(this.router.view().consistencyTracker().unexecutedIgnored.sum()).isEqualTo(1);
	}

	@Test
	void anOldCompactedTokenAcrossGroupReplicationBlocksIsServedByAReplicaWithTheRealTransactions()
			throws SQLException {
		gtidMode();
		// A token of the previous version, 1-1000004, after an election left 1-5:1000004: the part the
		// primary never executed is ignored, and the rest is on the replicas.
		GtidSet executed = GtidSet.parse(UUID + ":1-5:1000004");
		this.router.setTopology(new RoutingTopology("primary", null, "default",
				List.of(this.one.withHealth(0, executed, System.currentTimeMillis()),
						this.two.withHealth(0, executed, System.currentTimeMillis())),
				List.of(), executed, System.currentTimeMillis() + 60_000));
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(1_000_004), 0), null);

		assertThat(read()).isEqualTo("replica-1");
		assertThat(this.first.waits.get() + this.second.waits.get()).isZero();
		assertThat(this.primary.checkouts.get()).isZero();
	}

	@Test
	void aRequirementBeyondTheKnownPrimaryPositionWaitsForANewerOneRatherThanAReplica() throws Exception {
		gtidMode();
		long before = System.currentTimeMillis() - 1_000;
		this.router.setTopology(new RoutingTopology("primary", null, "default", List.of(at(this.one, 100),
				at(this.two, 100)), List.of(), gtids(100), before));
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(101), 0), null);
		ExecutorService monitor = Executors.newSingleThreadExecutor();
		try {
			// The primary commits 101 and the replicas apply it; the monitor then publishes both.
			Future<?> tick = monitor.submit(() -> {
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
				while (this.router.view().routeCounts().route("replica-1", RouteReason.GTID_CAUGHT_UP).sum() == 0
						&& System.nanoTime() < deadline) {
					this.first.executed.set(101);
					this.router.setTopology(new RoutingTopology("primary", null, "default",
							List.of(at(this.one, 101), at(this.two, 100)), List.of(), gtids(101),
							System.currentTimeMillis()));
					Thread.onSpinWait();
				}
			});
			assertThat(read()).isEqualTo("replica-1");
			tick.get(10, TimeUnit.SECONDS);
		}
		finally {
			monitor.shutdownNow();
		}
		assertThat(this.router.view().consistencyTracker().unexecutedIgnored.sum()).isZero();
		assertThat(this.primary.checkouts.get()).isZero();
	}

	@Test
	void forgedTokensOnConcurrentRequestsNeitherWaitOnReplicasNorStarveLegitimateFallbacks() throws Exception {
		gtidMode();
		this.router.setFallback(new ReplicaFallback(ReplicaFallback.Policy.PRIMARY, Duration.ZERO, 4));
		this.router.setTopology(new RoutingTopology("primary", null, "default", List.of(at(this.one, 100),
				at(this.two, 100)), List.of(), gtids(100), System.currentTimeMillis() + 60_000));
		ExecutorService requests = Executors.newFixedThreadPool(16);
		try {
			List<Future<String>> reads = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				reads.add(requests.submit(() -> {
					try (ConsistencyContext.Scope scope = ConsistencyContext
						.open(ConsistencyToken.of(GtidSet.parse("aaaaaaaa-71ca-11e1-9e33-c80aa9429562:1-5"), 0), null)) {
						return read();
					}
				}));
			}
			for (Future<String> read : reads) {
				assertThat(read.get(10, TimeUnit.SECONDS)).startsWith("replica-");
			}
		}
		finally {
			requests.shutdownNow();
		}
		assertThat(this.first.waits.get() + this.second.waits.get()).isZero();
		assertThat(this.primary.checkouts.get()).isZero();
		assertThat(this.router.view().consistencyTracker().unexecutedIgnored.sum()).isEqualTo(100);
	}

	@Test
	void readsSentToThePrimaryByTheirTokenLeaveAQuarterOfTheFallbackCapForOutages() throws SQLException {
		PrimaryReadGuard guard = new PrimaryReadGuard();
		PrimaryReadGuard.PrimaryConnection primary = this.primary::getConnection;
		List<Connection> open = new ArrayList<>();
		try {
			open.add(guard.open(primary, 4, true, () -> "no replica."));
			open.add(guard.open(primary, 4, true, () -> "no replica."));
			open.add(guard.open(primary, 4, true, () -> "no replica."));
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> guard.open(primary, 4, true, () -> "no replica."))
				.withMessageContaining("consistency token")
				.withMessageContaining("3 of the 4");
			// A replica outage still finds room.
			open.add(guard.open(primary, 4, false, () -> "no replica."));
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> guard.open(primary, 4, false, () -> "no replica."))
				.withMessageContaining("already serves 4");
			assertThat(guard.inFlight()).isEqualTo(4);
		}
		finally {
			for (Connection connection : open) {
				connection.close();
			}
		}
		assertThat(guard.inFlight()).isZero();
	}

	@Test
	void theRefusalSaysWhenTheSessionsTokenSentTheReadToThePrimary() {
		gtidMode();
		this.router.setFallback(new ReplicaFallback(ReplicaFallback.Policy.PRIMARY, Duration.ZERO, 2));
		this.router.setTopology(new RoutingTopology("primary", "default", List.of(at(this.one, 100).withLag(60_000_000_000L),
				at(this.two, 100).withLag(60_000_000_000L))));
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(150), 0), null);
		List<Connection> held = new ArrayList<>();
		try {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> {
				for (int i = 0; i < 3; i++) {
					RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
					try {
						held.add(this.router.getConnection());
					}
					finally {
						scope.close();
					}
				}
			}).withMessageContaining("consistency token").withMessageContaining("max-primary-reads");
			assertThat(held).hasSize(1);
		}
		finally {
			held.forEach((connection) -> {
				try {
					connection.close();
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}
	}

	@Test
	void aReplicaWhoseWaitPermitsAreTakenIsPassedOverForAnotherAndWithAllBusyTheFallbackServes() throws SQLException {
		ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("permits", "primary", this.primary,
				List.of(this.one, this.two), new RoutingTopology("primary", "default", List.of(at(this.one, 100),
						at(this.two, 100))),
				this.firstCandidate, new io.github.rwsplit.gtid.WaitPermits(1));
		router.setConsistency(new ConsistencySettings(ConsistencyMode.GTID, Duration.ofSeconds(5),
				Duration.ofMillis(200), Duration.ZERO));
		this.first.executed.set(120);
		this.second.executed.set(120);
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(120), 0), null);
		try {
			assertThat(router.getWaitPermits().tryAcquire("replica-1")).isTrue();
			assertThat(readFrom(router)).as("replica-1 is busy waiting: replica-2 waits instead").isEqualTo("replica-2");
			assertThat(this.first.waits.get()).isZero();
			assertThat(this.second.waits.get()).isEqualTo(1);

			// The session writes again: no replica is known to have that yet.
			this.first.executed.set(121);
			this.second.executed.set(121);
			this.session.close();
			this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(121), 0), null);
			assertThat(router.getWaitPermits().tryAcquire("replica-2")).isTrue();
			assertThat(readFrom(router)).as("every replica busy waiting: the primary serves").isEqualTo("primary");
			assertThat(router.view().routeCounts().fallback(RouteCounts.FallbackCause.CONSISTENCY).sum()).isEqualTo(1);
		}
		finally {
			router.close();
		}
	}

	/**
	 * Read-your-writes under load: every replica's wait permits were taken and the primary already
	 * served as many token-caused reads as it may. The read used to fail at once, where the same
	 * read in eventual mode would have queued for a pool connection; it now queues, bounded, for a
	 * wait permit on its replica.
	 */
	@Test
	void aReadWhoseReplicasAreAllBusyWaitingAndWhoseFallbackIsFullQueuesForAWaitPermit() throws Exception {
		// Long enough that the read is still queued whenever the releaser gets to run.
		ReadWriteRoutingDataSource router = busyRouter(Duration.ofSeconds(60), 100);
		withFallbackFull(router, (permits) -> {
			releasingReplicaOneOnceQueued(permits, () -> assertThat(readFrom(router)).isEqualTo("replica-1"));
			assertThat(this.first.waits.get()).as("it waited for the session's write there").isEqualTo(1);
			assertThat(permits.queued()).isZero();
			assertThat(router.view().routeCounts().route("replica-1", RouteReason.GTID_WAIT).sum()).isEqualTo(1);
		});
	}

	@Test
	void aReadQueuedForAWaitPermitThatNeverComesFailsAfterTheWaitTimeoutAsBefore() throws Exception {
		ReadWriteRoutingDataSource router = busyRouter(Duration.ofMillis(200), 100);
		withFallbackFull(router, (permits) -> {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> readFrom(router))
				.withMessageContaining("max-primary-reads");
			assertThat(permits.queued()).isZero();
			assertThat(this.first.waits.get() + this.second.waits.get()).isZero();
		});
	}

	@Test
	void aReadWhoseOnlyReachableReplicaIsBusyWaitingQueuesToo() throws Exception {
		// replica-2 is 120 s behind: too far to wait on within the timeout, so only replica-1 can serve.
		ReadWriteRoutingDataSource router = busyRouter(Duration.ofSeconds(60), TimeUnit.SECONDS.toNanos(120));
		router.getWaitPermits().release("replica-2");
		withFallbackFull(router, (permits) -> {
			releasingReplicaOneOnceQueued(permits, () -> assertThat(readFrom(router)).isEqualTo("replica-1"));
			assertThat(this.second.waits.get()).as("never waited on the replica too far behind").isZero();
		});
	}

	@Test
	void aWaitObserverThatThrowsAfterAQueuedReadGotItsPermitDoesNotKeepThePermit() throws Exception {
		ReadWriteRoutingDataSource router = busyRouter(Duration.ofSeconds(60), 100);
		router.setWaitObserver((reason, node) -> (outcome) -> {
			if (reason == WaitObserver.Reason.WAIT_PERMIT) {
				throw new IllegalStateException("observer failed");
			}
		});
		withFallbackFull(router, (permits) -> {
			releasingReplicaOneOnceQueued(permits, () -> assertThatIllegalStateException()
				.isThrownBy(() -> readFrom(router))
				.withMessage("observer failed"));
			assertThat(permits.inUse("replica-1")).as("the permit the read got went back").isZero();
		});
	}

	/** What a test checks while the fallback is full. */
	@FunctionalInterface
	private interface WhileFallbackFull {

		void check(WaitPermits permits) throws Exception;

	}

	/**
	 * Runs a check in a session that requires its write, while an earlier read of it, sent to the
	 * primary because every replica was busy waiting, keeps the fallback's only slot; then closes
	 * the router.
	 */
	private void withFallbackFull(ReadWriteRoutingDataSource router, WhileFallbackFull check) throws Exception {
		try {
			this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(120), 0), null);
			try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
					Connection onPrimary = router.getConnection()) {
				assertThat(onPrimary.getCatalog()).as("the first busy read takes the fallback's only slot")
					.isEqualTo("primary");
				check.check(router.getWaitPermits());
			}
		}
		finally {
			router.close();
		}
	}

	/** Runs a read that queues for a permit: once it queues, a wait on replica-1 ends and gives its permit back. */
	private static void releasingReplicaOneOnceQueued(WaitPermits permits, java.util.concurrent.Callable<?> read)
			throws Exception {
		Thread releaser = new Thread(() -> {
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> permits.queued() == 1);
			permits.release("replica-1");
		});
		releaser.start();
		try {
			read.call();
		}
		finally {
			releaser.join(30_000);
		}
	}

	@Test
	void aReplicaWhosePoolRefusedGivesItsWaitPermitBackBeforeTheReadWaitsElsewhere() throws SQLException {
		ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("refused", "primary", this.primary,
				List.of(this.one, this.two), new RoutingTopology("primary", "default", List.of(at(this.one, 100),
						at(this.two, 100))),
				this.firstCandidate, new WaitPermits(1));
		router.setConsistency(new ConsistencySettings(ConsistencyMode.GTID, Duration.ofSeconds(5),
				Duration.ofSeconds(1), Duration.ZERO));
		this.first.refusing = true;
		this.second.executed.set(120);
		List<Integer> heldOnReplicaOne = new ArrayList<>();
		this.second.onWait = () -> heldOnReplicaOne.add(router.getWaitPermits().inUse("replica-1"));
		try {
			this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(120), 0), null);
			assertThat(readFrom(router)).isEqualTo("replica-2");
			assertThat(heldOnReplicaOne).as("replica-1's permit while the read waited on replica-2").containsExactly(0);
		}
		finally {
			router.close();
		}
	}

	/**
	 * Both replicas' only wait permits taken; the primary takes one fallback read at a time.
	 * @param waitTimeout the longest a read waits on a replica, and queues for a permit
	 * @param replicaTwoLagNanos how far behind the monitor measured replica-2
	 */
	private ReadWriteRoutingDataSource busyRouter(Duration waitTimeout, long replicaTwoLagNanos) {
		ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("busy", "primary", this.primary,
				List.of(this.one, this.two), new RoutingTopology("primary", "default", List.of(at(this.one, 100),
						this.two.withHealth(replicaTwoLagNanos, gtids(100), System.currentTimeMillis()))),
				this.firstCandidate, new WaitPermits(1));
		router.setConsistency(new ConsistencySettings(ConsistencyMode.GTID, Duration.ofSeconds(5), waitTimeout,
				Duration.ZERO));
		router.setFallback(new ReplicaFallback(ReplicaFallback.Policy.PRIMARY, Duration.ofSeconds(1), 1));
		this.first.executed.set(120);
		this.second.executed.set(120);
		assertThat(router.getWaitPermits().tryAcquire("replica-1")).isTrue();
		assertThat(router.getWaitPermits().tryAcquire("replica-2")).isTrue();
		return router;
	}

	private static String readFrom(ReadWriteRoutingDataSource router) throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
				Connection connection = router.getConnection()) {
			return connection.getCatalog();
		}
	}

	@Test
	void theLastPlanIsReadableAsText() throws SQLException {
		gtidMode();
		this.session = ConsistencyContext.open(ConsistencyToken.of(gtids(100), 0), null);
		assertThat(read()).isEqualTo("replica-1");
		assertThat(ReadWriteRoutingDataSource.lastPlan()).isEqualTo("replica replica-1 (gtid-caught-up)");
	}

}
