package io.github.rwsplit.it.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.ReplicaFallback;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The lag monitor against faults on a real cluster of its own: stale replicas leave rotation and
 * return, the fallback policies, a replica killed under load, a dead primary and a hung replica.
 * Every test mends what it broke.
 */
@MySqlClusterTest(dedicated = true)
class LagMonitorIT {

	private static final long PRIMARY = 1;

	private static final long REPLICA_1 = 2;

	private static final long REPLICA_2 = 3;

	/** Removal may take max-lag, then up to two checks, then a primary tick; a second of slack for a busy machine. */
	private static final Duration REMOVAL_BOUND = MonitoredApp.MAX_LAG.plus(MonitoredApp.INTERVAL.multipliedBy(2))
		.plusSeconds(1);

	@BeforeAll
	static void createTable(MySqlReplicationCluster cluster) throws Exception {
		MonitoredApp.createTable(cluster);
	}

	private static Set<Long> serversOf(MonitoredApp app, int reads) {
		Set<Long> servers = new HashSet<>();
		for (int i = 0; i < reads; i++) {
			servers.add(app.probe.readOnly());
		}
		return servers;
	}

	@ParameterizedTest(name = "lag source {0}")
	@ValueSource(strings = { "gtid", "heartbeat", "replica-status" })
	void stoppedApplierTakesTheReplicaOutAndCatchingUpBringsItBack(String lagSource, MySqlReplicationCluster cluster)
			throws Exception {
		// Seconds_Behind_Source counts whole seconds: its recovery mark must be a whole second too.
		String recoveryLag = "replica-status".equals(lagSource) ? "1s" : "500ms";
		try (MonitoredApp app = new MonitoredApp(cluster, "rwsplit.monitor.lag-source=" + lagSource,
				"rwsplit.monitor.recovery-lag=" + recoveryLag)) {
			assertThat(app.monitor.snapshot().lagSource().name()).isEqualTo(lagSource.toUpperCase().replace('-', '_'));
			app.startWriting();
			app.awaitState("replica-1", ReplicaState.HEALTHY, Duration.ofSeconds(10));
			cluster.stopReplicaSqlThread("replica-1");
			try {
				Duration removal = app.awaitState("replica-1", ReplicaState.LAGGING, REMOVAL_BOUND);
				System.out.printf("rwsplit-measure lag-source=%s removal-ms=%d%n", lagSource, removal.toMillis());
				assertThat(app.health("replica-1").reason()).isNotEmpty();
				assertThat(serversOf(app, 20)).containsOnly(REPLICA_2);
			}
			finally {
				cluster.startReplicaSqlThread("replica-1");
			}
			Duration back = app.awaitState("replica-1", ReplicaState.HEALTHY, Duration.ofSeconds(15));
			System.out.printf("rwsplit-measure lag-source=%s return-ms=%d%n", lagSource, back.toMillis());
			await("both replicas serve reads again").atMost(Duration.ofSeconds(5))
				.until(() -> serversOf(app, 10).equals(Set.of(REPLICA_1, REPLICA_2)));
		}
	}

	@Test
	void delayedReplicaLeavesRotationAndReturnsWhenTheDelayIsRemoved(MySqlReplicationCluster cluster) throws Exception {
		try (MonitoredApp app = new MonitoredApp(cluster)) {
			app.startWriting();
			cluster.setReplicationDelay("replica-2", Duration.ofSeconds(3));
			try {
				app.awaitState("replica-2", ReplicaState.LAGGING, REMOVAL_BOUND.plusSeconds(1));
				assertThat(app.health("replica-2").lag()).isGreaterThan(MonitoredApp.MAX_LAG);
				assertThat(serversOf(app, 20)).containsOnly(REPLICA_1);
			}
			finally {
				cluster.setReplicationDelay("replica-2", Duration.ZERO);
			}
			app.awaitState("replica-2", ReplicaState.HEALTHY, Duration.ofSeconds(20));
		}
	}

	@Test
	void lagHoveringAroundMaxLagDoesNotFlap(MySqlReplicationCluster cluster) throws Exception {
		// A one-second delay under steady writes keeps the lag near max-lag (1 s), on both sides of it.
		try (MonitoredApp app = new MonitoredApp(cluster)) {
			app.startWriting();
			cluster.setReplicationDelay("replica-1", Duration.ofSeconds(1));
			try {
				List<ReplicaState> seen = new ArrayList<>();
				long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
				await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(100)).until(() -> {
					ReplicaState state = app.health("replica-1").state();
					if (seen.isEmpty() || seen.get(seen.size() - 1) != state) {
						seen.add(state);
					}
					return System.nanoTime() > end;
				});
				assertThat(seen).as("states of replica-1 over 8 s").hasSizeLessThanOrEqualTo(2);
			}
			finally {
				cluster.setReplicationDelay("replica-1", Duration.ZERO);
			}
			app.awaitState("replica-1", ReplicaState.HEALTHY, Duration.ofSeconds(20));
		}
	}

	@Test
	void perCallLagBudgetSkipsReplicasBehindIt(MySqlReplicationCluster cluster) throws Exception {
		try (MonitoredApp app = new MonitoredApp(cluster, "rwsplit.fallback.policy=primary")) {
			app.startWriting();
			cluster.setReplicationDelay("replica-1", Duration.ofSeconds(1));
			try {
				// Inside max-lag (1 s) replica-1 may stay in rotation, but not within the 200 ms budget.
				await("replica-1 measured behind the budget").atMost(Duration.ofSeconds(10))
					.until(() -> app.health("replica-1").lagNanos() > Duration.ofMillis(300).toNanos());
				for (int i = 0; i < 10; i++) {
					assertThat(app.probe.freshRead()).isIn(REPLICA_2, PRIMARY);
				}
			}
			finally {
				cluster.setReplicationDelay("replica-1", Duration.ZERO);
			}
			app.awaitState("replica-1", ReplicaState.HEALTHY, Duration.ofSeconds(20));
		}
	}

	@Test
	void whenNoReplicaQualifiesEachFallbackPolicyDoesWhatItSays(MySqlReplicationCluster cluster) throws Exception {
		try (MonitoredApp app = new MonitoredApp(cluster, "rwsplit.fallback.max-primary-reads=2")) {
			app.startWriting();
			cluster.stopReplicaSqlThread("replica-1");
			cluster.stopReplicaSqlThread("replica-2");
			try {
				app.awaitState("replica-1", ReplicaState.LAGGING, REMOVAL_BOUND);
				app.awaitState("replica-2", ReplicaState.LAGGING, REMOVAL_BOUND);

				// primary: reads go to the primary, at most two at once.
				assertThat(app.probe.readOnly()).isEqualTo(PRIMARY);
				CountDownLatch release = new CountDownLatch(1);
				ExecutorService holders = Executors.newFixedThreadPool(2);
				try {
					List<Future<Long>> held = List.of(holders.submit(() -> app.probe.slowRead(release)),
							holders.submit(() -> app.probe.slowRead(release)));
					await("two fallback reads hold the primary").atMost(Duration.ofSeconds(5))
						.until(() -> app.dataSource.getRouter().view().primaryFallbackReads() == 2);
					assertThatExceptionOfType(Exception.class).isThrownBy(app.probe::readOnly)
						.satisfies((ex) -> assertThat(rootMessage(ex)).contains("rwsplit.fallback.max-primary-reads")
							.contains("replica-1: LAGGING"));
					release.countDown();
					for (Future<Long> read : held) {
						assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(PRIMARY);
					}
				}
				finally {
					release.countDown();
					holders.shutdownNow();
				}

				// fail: the read fails and says why each replica was excluded.
				app.dataSource.getRouter().setFallback(new ReplicaFallback(ReplicaFallback.Policy.FAIL, Duration.ZERO, 2));
				assertThatExceptionOfType(Exception.class).isThrownBy(app.probe::readOnly)
					.satisfies((ex) -> assertThat(rootMessage(ex))
						.contains("no replica of group 'default' can serve this read (fallback policy fail)")
						.contains("replica-1: LAGGING (")
						.contains("replica-2: LAGGING ("));

				// wait: a read waits for a replica, and gets one when it catches up.
				app.dataSource.getRouter()
					.setFallback(new ReplicaFallback(ReplicaFallback.Policy.WAIT, Duration.ofSeconds(15), 2));
				ExecutorService reader = Executors.newSingleThreadExecutor();
				try {
					Future<Long> waiting = reader.submit(app.probe::readOnly);
					assertThat(waiting.isDone()).isFalse();
					cluster.startReplicaSqlThread("replica-1");
					assertThat(waiting.get(15, TimeUnit.SECONDS)).isEqualTo(REPLICA_1);
				}
				finally {
					reader.shutdownNow();
				}
			}
			finally {
				cluster.startReplicaSqlThread("replica-1");
				cluster.startReplicaSqlThread("replica-2");
			}
			app.awaitState("replica-2", ReplicaState.HEALTHY, Duration.ofSeconds(15));
		}
	}

	@Test
	void killedReplicaUnderReadLoadFailsOnlyReadsThatWereOnItAndReturnsAfterRestart(MySqlReplicationCluster cluster)
			throws Exception {
		int readers = 4;
		try (MonitoredApp app = new MonitoredApp(cluster)) {
			AtomicBoolean reading = new AtomicBoolean(true);
			AtomicInteger reads = new AtomicInteger();
			List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
			ExecutorService pool = Executors.newFixedThreadPool(readers);
			List<Future<?>> loops = new ArrayList<>();
			for (int i = 0; i < readers; i++) {
				loops.add(pool.submit(() -> {
					while (reading.get()) {
						try {
							app.probe.readOnly();
							reads.incrementAndGet();
						}
						catch (RuntimeException ex) {
							failures.add(rootMessage(ex));
						}
					}
				}));
			}
			try {
				await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() > 200);
				cluster.kill("replica-1");
				long killedAt = System.nanoTime();
				Duration removal = app.awaitState("replica-1", ReplicaState.DOWN, Duration.ofSeconds(5));
				int readsAtRemoval = reads.get();
				await("reads continue on replica-2").atMost(Duration.ofSeconds(10)).until(() -> reads.get() > readsAtRemoval + 500);
				System.out.printf("rwsplit-measure kill removal-ms=%d failed-reads=%d reads=%d%n", removal.toMillis(),
						failures.size(), reads.get());
				assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isPositive();
				assertThat(failures).as("reads that failed: %s", failures).hasSizeLessThanOrEqualTo(2 * readers);
				assertThat(serversOf(app, 20)).containsOnly(REPLICA_2);
			}
			finally {
				reading.set(false);
				pool.shutdown();
				pool.awaitTermination(30, TimeUnit.SECONDS);
				if (app.health("replica-1").state() == ReplicaState.DOWN) {
					cluster.restart("replica-1");
				}
			}
			for (Future<?> loop : loops) {
				loop.get();
			}
			app.awaitState("replica-1", ReplicaState.HEALTHY, Duration.ofSeconds(20));
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		}
	}

	@Test
	void deadPrimaryFailsWritesFastWhileReplicasKeepServingReads(MySqlReplicationCluster cluster) throws Exception {
		// Writes wait this long for a writable primary (a failover may promote one), then fail.
		try (MonitoredApp app = new MonitoredApp(cluster, "rwsplit.topology.await-primary-timeout=500ms")) {
			cluster.kill("primary");
			try {
				await("the monitor sees the primary down").atMost(Duration.ofSeconds(5))
					.until(() -> app.monitor.snapshot().primaryDownReason() != null);
				long start = System.nanoTime();
				assertThatExceptionOfType(Exception.class).isThrownBy(app.probe::write)
					.satisfies((ex) -> assertThat(rootMessage(ex)).contains("the primary 'primary' is down")
						.contains("waited 500 ms"));
				// The 500 ms wait plus a second for a busy machine; far from the pool's 30 s timeout.
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
				assertThat(serversOf(app, 10)).isSubsetOf(REPLICA_1, REPLICA_2).isNotEmpty();
			}
			finally {
				cluster.restart("primary");
			}
			await("writes work again").atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> app.probe.write() == PRIMARY);
			assertThat(app.monitor.snapshot().primaryDownReason()).isNull();
			cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		}
	}

	@Test
	void hungReplicaDoesNotDelayTheOthersChecks(MySqlReplicationCluster cluster) throws Exception {
		try (MonitoredApp app = new MonitoredApp(cluster)) {
			cluster.freeze("replica-1");
			try {
				app.awaitState("replica-1", ReplicaState.DOWN, Duration.ofSeconds(5));
				List<java.time.Instant> checks = new ArrayList<>();
				await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
					java.time.Instant last = app.health("replica-2").lastCheck();
					if (checks.isEmpty() || !checks.get(checks.size() - 1).equals(last)) {
						checks.add(last);
					}
					return checks.size() >= 6;
				});
				for (int i = 1; i < checks.size(); i++) {
					assertThat(Duration.between(checks.get(i - 1), checks.get(i)))
						.as("gap between replica-2's checks while replica-1 hangs")
						.isLessThan(MonitoredApp.INTERVAL.multipliedBy(2));
				}
				assertThat(serversOf(app, 10)).containsOnly(REPLICA_2);
			}
			finally {
				cluster.resume("replica-1");
			}
			app.awaitState("replica-1", ReplicaState.HEALTHY, Duration.ofSeconds(15));
		}
	}

	@Test
	void drainedReplicaGetsNoNewReadsUntilUndrained(MySqlReplicationCluster cluster) throws Exception {
		try (MonitoredApp app = new MonitoredApp(cluster)) {
			app.monitor.drain("replica-2");
			assertThat(app.health("replica-2").state()).isEqualTo(ReplicaState.DRAINED);
			assertThat(serversOf(app, 20)).containsOnly(REPLICA_1);
			app.monitor.undrain("replica-2");
			app.awaitState("replica-2", ReplicaState.HEALTHY, Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(5)).until(() -> serversOf(app, 10).contains(REPLICA_2));
		}
	}

	static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null) {
			if (cause.getMessage() != null && cause.getMessage().startsWith("rwsplit:")) {
				return cause.getMessage();
			}
			cause = cause.getCause();
		}
		return String.valueOf(cause.getMessage());
	}

}
