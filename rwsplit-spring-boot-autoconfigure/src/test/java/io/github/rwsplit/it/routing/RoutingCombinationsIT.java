package io.github.rwsplit.it.routing;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing features in combination, where the old router's defects lived, on a real cluster of
 * their own: forged tokens under concurrency, sticky sessions with an exhausted replica pool, and
 * a sticky session that must move while the primary is down. Every test mends what it broke.
 */
@MySqlClusterTest(dedicated = true)
class RoutingCombinationsIT {

	private static final long PRIMARY = 1;

	@BeforeEach
	@AfterEach
	void forgetThisThreadsSession() {
		ConsistencyContext.clear();
	}

	@BeforeAll
	static void createTables(MySqlReplicationCluster cluster) throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
	}

	static ConfigurableApplicationContext start(MySqlReplicationCluster cluster, String... more) {
		Map<String, Object> properties = ItProperties.fastMonitor(cluster, more);
		properties.putIfAbsent("rwsplit.consistency.mode", "gtid");
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
	}

	private static ReadWriteRoutingDataSource router(ConfigurableApplicationContext app) {
		return app.getBean(RwsplitDataSource.class).getRouter();
	}

	@Test
	void forgedTokensOnAHundredConcurrentRequestsCostNoReplicaWaitAndRefuseNoLegitimateRead(
			MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.fallback.max-primary-reads=4")) {
			Notes notes = app.getBean(Notes.class);
			ConsistencyTracker tracker = router(app).view().consistencyTracker();
			notes.insert("before");
			ConsistencyContext.clear();
			String primaryUuid = cluster.gtidExecuted("primary").split(":")[0];
			// One names a server that never existed, the other a transaction far beyond the primary's.
			List<String> forged = List.of("aaaaaaaa-71ca-11e1-9e33-c80aa9429562:1-5", primaryUuid + ":1-999999999");
			ReadWriteRoutingDataSource router = router(app);
			// The monitor has read the primary since the insert, and both replicas with it.
			GtidSet written = GtidSet.parse(cluster.gtidExecuted("primary"));
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				GtidSet primary = router.getTopology().primaryExecuted();
				return primary != null && primary.contains(written) && router.getTopology().replicas().size() == 2
						&& router.getTopology()
							.replicas()
							.stream()
							.allMatch((replica) -> replica.gtidExecuted() != null
									&& replica.gtidExecuted().contains(primary));
			});
			ExecutorService requests = Executors.newFixedThreadPool(16);
			ExecutorService sessions = Executors.newFixedThreadPool(4);
			try {
				// A hundred forged requests at once: judged by the primary's position, never by a replica
				// wait, never sent to the primary.
				long waitsBefore = tracker.waited.sum() + tracker.waitTimedOut.sum();
				long toPrimaryBefore = tracker.primary.sum();
				for (Future<long[]> read : forgedReads(requests, notes, forged)) {
					assertThat(read.get(30, TimeUnit.SECONDS)[0]).as("served by a replica").isNotEqualTo(PRIMARY);
				}
				String counts = String.format("waited %d, timed out %d, ignored %d, caught up %d, to primary %d",
						tracker.waited.sum(), tracker.waitTimedOut.sum(), tracker.unexecutedIgnored.sum(),
						tracker.caughtUp.sum(), tracker.primary.sum());
				System.out.println("rwsplit-measure forged tokens: " + counts);
				assertThat(tracker.waited.sum() + tracker.waitTimedOut.sum() - waitsBefore).as(counts).isZero();
				assertThat(tracker.primary.sum() - toPrimaryBefore).as(counts).isZero();
				assertThat(tracker.unexecutedIgnored.sum()).isEqualTo(100);
				assertThat(router.view().primaryFallbackReads()).isZero();

				// Again, with sessions writing and reading their own rows among them: none is refused.
				List<Future<long[]>> forgedAgain = forgedReads(requests, notes, forged);
				List<Future<long[]>> legitimate = new ArrayList<>();
				// Four sessions at a time: fewer than a replica's wait permits (half its pool of 10), so any
				// refusal here would be the forged tokens' doing, not legitimate sessions crowding each other.
				for (int i = 0; i < 20; i++) {
					legitimate.add(sessions.submit(() -> {
						try (ConsistencyContext.Scope session = ConsistencyContext.open(ConsistencyToken.EMPTY, null)) {
							long id = notes.insert("mine");
							return new long[] { id, notes.maxId()[1] };
						}
					}));
				}
				for (Future<long[]> read : legitimate) {
					long[] result = read.get(30, TimeUnit.SECONDS);
					assertThat(result[1]).as("the session's own row is visible where it read").isGreaterThanOrEqualTo(result[0]);
				}
				for (Future<long[]> read : forgedAgain) {
					// While sessions write, what a forged token keeps of its claim is the primary's real
					// position, which a replica may not have yet: such a read may wait or fall back like
					// any session's. It must not fail, and it must not crowd out the sessions above.
					assertThat(read.get(30, TimeUnit.SECONDS)[1]).isPositive();
				}
			}
			finally {
				requests.shutdownNow();
				sessions.shutdownNow();
			}
		}
	}

	private static List<Future<long[]>> forgedReads(ExecutorService requests, Notes notes, List<String> forged) {
		List<Future<long[]>> reads = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			String gtids = forged.get(i % 2);
			reads.add(requests.submit(() -> {
				try (ConsistencyContext.Scope session = ConsistencyContext
					.open(ConsistencyToken.of(GtidSet.parse(gtids), 0), null)) {
					return notes.count();
				}
			}));
		}
		return reads;
	}

	/**
	 * Read-your-writes under saturation: both replicas' only wait permits are taken by reads waiting
	 * for the session's write (appliers stopped), and the primary already serves its one fallback
	 * read. The next read used to fail at once; it now queues for a wait permit and, once the
	 * replicas apply the write, reads it on a replica.
	 */
	@Test
	void aReadWhoseReplicasAreBusyWaitingAndWhosePrimaryFallbackIsFullQueuesAndReadsItsWriteOnAReplica(
			MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.consistency.max-waits-per-replica=1",
				"rwsplit.fallback.max-primary-reads=1", "rwsplit.consistency.wait-timeout=60s",
				// Upper bounds only, far beyond what the steps take on a loaded machine: the reads' waits and
				// the queue end as soon as the appliers start, and the stopped replicas stay in rotation.
				"rwsplit.monitor.max-lag=120s")) {
			Notes notes = app.getBean(Notes.class);
			ReadWriteRoutingDataSource router = router(app);
			ExecutorService readers = Executors.newFixedThreadPool(4);
			CountDownLatch releasePrimaryRead = new CountDownLatch(1);
			cluster.stopReplicaSqlThread("replica-1");
			cluster.stopReplicaSqlThread("replica-2");
			try {
				long id;
				ConsistencyToken token;
				try (ConsistencyContext.Scope session = ConsistencyContext.open(ConsistencyToken.EMPTY, null)) {
					id = notes.insert("under load");
					token = ConsistencyContext.currentToken();
				}
				// Two reads of the session wait on the two replicas, one permit each.
				List<Future<long[]>> waiting = new ArrayList<>();
				for (int i = 0; i < 2; i++) {
					waiting.add(readers.submit(() -> asSession(token, notes::maxId)));
					int started = i + 1;
					await().atMost(Duration.ofSeconds(60))
						.until(() -> router.getWaitPermits().inUse("replica-1")
								+ router.getWaitPermits().inUse("replica-2") == started);
				}
				// The third falls back to the primary and keeps its connection: the fallback is full.
				Future<long[]> onPrimary = readers
					.submit(() -> asSession(token, () -> notes.maxIdHolding(releasePrimaryRead)));
				await().atMost(Duration.ofSeconds(60)).until(() -> router.view().primaryFallbackReads() == 1);

				Future<long[]> queued = readers.submit(() -> asSession(token, notes::maxId));
				await().atMost(Duration.ofSeconds(60))
					.failFast("the read failed instead of queueing", queued::isDone)
					.until(() -> router.getWaitPermits().queued() == 1);

				cluster.startReplicaSqlThread("replica-1");
				cluster.startReplicaSqlThread("replica-2");
				long[] read = queued.get(120, TimeUnit.SECONDS);
				assertThat(read[0]).as("a replica served it").isNotEqualTo(PRIMARY);
				assertThat(read[1]).as("with the session's write").isGreaterThanOrEqualTo(id);
				for (Future<long[]> first : waiting) {
					long[] result = first.get(120, TimeUnit.SECONDS);
					assertThat(result[0]).isNotEqualTo(PRIMARY);
					assertThat(result[1]).isGreaterThanOrEqualTo(id);
				}
				releasePrimaryRead.countDown();
				assertThat(onPrimary.get(120, TimeUnit.SECONDS)[0]).isEqualTo(PRIMARY);
				assertThat(router.getWaitPermits().queued()).isZero();
			}
			finally {
				releasePrimaryRead.countDown();
				cluster.startReplicaSqlThread("replica-1");
				cluster.startReplicaSqlThread("replica-2");
				readers.shutdownNow();
				cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));
			}
		}
	}

	private static long[] asSession(ConsistencyToken token, java.util.concurrent.Callable<long[]> read) throws Exception {
		try (ConsistencyContext.Scope session = ConsistencyContext.open(token, null)) {
			return read.call();
		}
	}

	@Test
	void aStickySessionWhoseReplicaPoolIsExhaustedReadsFromAnotherReplicaAtOnce(MySqlReplicationCluster cluster)
			throws Exception {
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.balancing.sticky-replicas=true",
				"rwsplit.consistency.mode=eventual", "rwsplit.replicas.replica-1.pool.maximum-pool-size=2",
				"rwsplit.replicas.replica-1.pool.connection-timeout=300ms", "rwsplit.fallback.checkout-retries=2")) {
			Notes notes = app.getBean(Notes.class);
			ReadWriteRoutingDataSource router = router(app);
			DataSource replicaOne = router.getReplicas()
				.stream()
				.filter((replica) -> replica.name().equals("replica-1"))
				.map(ReplicaNode::dataSource)
				.findFirst()
				.orElseThrow();
			long replicaOneId = serverId(replicaOne);
			try (ConsistencyContext.Scope session = ConsistencyContext
				.open(ConsistencyToken.EMPTY.withReplica("replica-1"), null)) {
				assertThat(notes.count()[0]).isEqualTo(replicaOneId);
				List<Connection> held = new ArrayList<>();
				try {
					held.add(replicaOne.getConnection());
					held.add(replicaOne.getConnection());
					long started = System.nanoTime();
					long[] read = notes.count();
					long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
					assertThat(read[0]).as("another replica served").isNotIn(replicaOneId, PRIMARY);
					// One refused checkout (its 300 ms timeout) and a move; three refusals would take 900 ms.
					assertThat(millis).isLessThan(5_000);
					assertThat(ConsistencyContext.currentToken().replica()).isEqualTo("replica-2");
				}
				finally {
					for (Connection connection : held) {
						connection.close();
					}
				}
			}
			assertThat(router.view().balancingCounts().stickyMoved.sum()).isEqualTo(1);
			assertThat(router.view().routeCounts().checkoutRetries().sum()).isEqualTo(1);
		}
	}

	@Test
	void aStickySessionMovesWithItsOwnWritesWhileThePrimaryIsDownWithoutAskingIt(MySqlReplicationCluster cluster)
			throws Exception {
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.balancing.sticky-replicas=true",
				"rwsplit.primary.pool.connection-timeout=20s")) {
			Notes notes = app.getBean(Notes.class);
			ReadWriteRoutingDataSource router = router(app);
			ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
			try (ConsistencyContext.Scope session = ConsistencyContext.open(ConsistencyToken.EMPTY, null)) {
				long id = notes.insert("written before the crash");
				long[] first = notes.maxId();
				assertThat(first[1]).isGreaterThanOrEqualTo(id);
				String stuckTo = ConsistencyContext.currentToken().replica();
				assertThat(stuckTo).isNotNull();
				monitor.drain(stuckTo);
				cluster.kill("primary");
				try {
					await().atMost(Duration.ofSeconds(20))
						.until(() -> router.getTopology().primaryDownReason() != null);
					long started = System.nanoTime();
					long[] read = notes.maxId();
					long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
					assertThat(read[0]).as("the other replica served").isNotEqualTo(PRIMARY);
					assertThat(read[1]).as("the session's own write is there").isGreaterThanOrEqualTo(id);
					// Asking the dead primary's pool would take its 20 s connection timeout.
					assertThat(millis).isLessThan(5_000);
					assertThat(ConsistencyContext.currentToken().replica()).isNotEqualTo(stuckTo);
				}
				finally {
					cluster.restart("primary");
					monitor.undrain(stuckTo);
					await().atMost(Duration.ofSeconds(60)).until(() -> router.getTopology().primaryDownReason() == null);
					cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));
				}
			}
		}
	}

	private static long serverId(DataSource dataSource) throws Exception {
		try (Connection connection = dataSource.getConnection();
				var statement = connection.createStatement();
				var rs = statement.executeQuery("SELECT @@server_id")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Notes.class })
	static class App {

	}

	@Service
	static class Notes {

		private final JdbcTemplate jdbc;

		Notes(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		long insert(String value) {
			this.jdbc.update("INSERT INTO notes (v) VALUES (?)", value);
			return this.jdbc.queryForObject("SELECT LAST_INSERT_ID()", Long.class);
		}

		/** @return the server and how many notes it has */
		@ReadReplica
		long[] count() {
			return this.jdbc.queryForObject("SELECT @@server_id, COUNT(*) FROM notes",
					(rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) });
		}

		/**
		 * @param release counted down when the read may end
		 * @return the server and the highest note id it has, read in a read-only transaction that
		 * keeps its connection until released
		 */
		@Transactional(readOnly = true)
		long[] maxIdHolding(CountDownLatch release) throws InterruptedException {
			long[] read = this.jdbc.queryForObject("SELECT @@server_id, COALESCE(MAX(id), 0) FROM notes",
					(rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) });
			if (!release.await(120, TimeUnit.SECONDS)) {
				throw new IllegalStateException("never released");
			}
			return read;
		}

		/** @return the server and the highest note id it has */
		@ReadReplica
		long[] maxId() {
			return this.jdbc.queryForObject("SELECT @@server_id, COALESCE(MAX(id), 0) FROM notes",
					(rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) });
		}

	}

}
