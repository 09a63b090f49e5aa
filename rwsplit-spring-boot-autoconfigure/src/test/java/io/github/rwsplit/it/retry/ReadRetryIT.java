package io.github.rwsplit.it.retry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RouteCounts;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Read retries on a real cluster of their own: a replica killed or frozen under eight reader
 * threads (read-only transactions, {@code @ReadReplica} methods, autocommit reads), a session
 * killed on the server, and the cases that must never run again. Every test mends what it broke.
 *
 * <p>{@code -Drwsplit.it.retry-reads=false} runs the fault tests with retries off and only
 * reports, for the "before" figures.
 */
@MySqlClusterTest(dedicated = true, replicas = 2)
class ReadRetryIT {

	private static final String VALUE = "the answer";

	private static final boolean RETRY = Boolean.parseBoolean(System.getProperty("rwsplit.it.retry-reads", "true"));

	/**
	 * Slack over a bound, for a 2-core machine shared with other builds: the JVM and the kernel may
	 * each take hundreds of milliseconds to get to a thread whose timer fired.
	 */
	private static final Duration SLACK = Duration.ofSeconds(2);

	@BeforeAll
	static void createTables(MySqlReplicationCluster cluster) throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE answers (id BIGINT PRIMARY KEY, v VARCHAR(40) NOT NULL)",
				"INSERT INTO answers VALUES (1, '" + VALUE + "')",
				"CREATE TABLE writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
	}

	static ConfigurableApplicationContext start(MySqlReplicationCluster cluster, String... more) {
		Map<String, Object> properties = ItProperties.fastMonitor(cluster, more);
		properties.put("rwsplit.routing.autocommit-reads", "replica");
		properties.put("rwsplit.fallback.policy", "primary");
		properties.put("rwsplit.replicas.replica-1.pool.maximum-pool-size", "12");
		properties.put("rwsplit.replicas.replica-2.pool.maximum-pool-size", "12");
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
	}

	private static ReadWriteRoutingDataSource router(ConfigurableApplicationContext app) {
		return app.getBean(RwsplitDataSource.class).getRouter();
	}

	/** One read: which kind, when it started and ended, the server that answered, what came back or what failed. */
	record Read(int kind, long startedNanos, long endedNanos, long server, String value, Throwable failure) {

		long millis() {
			return TimeUnit.NANOSECONDS.toMillis(this.endedNanos - this.startedNanos);
		}

	}

	/** Eight threads reading the same row in the three ways, until stopped. */
	static final class Readers implements AutoCloseable {

		final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();

		private final AtomicBoolean stop = new AtomicBoolean();

		private final ExecutorService threads = Executors.newFixedThreadPool(8);

		private final List<Future<?>> running = new ArrayList<>();

		Readers(Answers answers, JdbcTemplate jdbc) {
			for (int t = 0; t < 8; t++) {
				int offset = t;
				this.running.add(this.threads.submit(() -> {
					for (int i = offset; !this.stop.get(); i++) {
						int kind = i % 3;
						long started = System.nanoTime();
						try {
							Object[] row = switch (kind) {
								case 0 -> answers.inReadOnlyTransaction();
								case 1 -> answers.onReadReplica();
								default -> Answers.read(jdbc);
							};
							this.reads.add(new Read(kind, started, System.nanoTime(), (Long) row[0], (String) row[1], null));
						}
						catch (RuntimeException ex) {
							this.reads.add(new Read(kind, started, System.nanoTime(), 0, null, ex));
						}
					}
				}));
			}
		}

		void awaitReads(int count) {
			int before = this.reads.size();
			await().atMost(Duration.ofSeconds(30)).until(() -> this.reads.size() >= before + count);
		}

		@Override
		public void close() throws Exception {
			this.stop.set(true);
			for (Future<?> reader : this.running) {
				reader.get(60, TimeUnit.SECONDS);
			}
			this.threads.shutdown();
		}

		List<Read> since(long nanos) {
			return this.reads.stream().filter((read) -> read.endedNanos() - nanos >= 0).toList();
		}

	}

	@Test
	void aReplicaKilledUnderEightReadersFailsNoRead(MySqlReplicationCluster cluster) throws Exception {
		int killed = cluster.node("replica-1").serverId();
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.routing.retry-reads=" + RETRY)) {
			ReadWriteRoutingDataSource router = router(app);
			Readers readers = new Readers(app.getBean(Answers.class), app.getBean(JdbcTemplate.class));
			long fault;
			try (readers) {
				readers.awaitReads(200);
				fault = System.nanoTime();
				cluster.kill("replica-1");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> router.getTopology().replicas().stream().noneMatch((r) -> r.name().equals("replica-1")));
				readers.awaitReads(300);
			}
			finally {
				cluster.restart("replica-1");
			}
			List<Read> around = readers.since(fault);
			report("kill", around, router);
			assertAllAnsweredRight(readers.reads);
			if (RETRY) {
				assertThat(failures(around)).as("failed reads").isEmpty();
				assertThat(retries(router, "replica-1", RouteCounts.RetryOutcome.SUCCEEDED)).isPositive();
				// Every read that ran again came back from the server that was not killed.
				assertThat(around).filteredOn((read) -> read.endedNanos() - fault > 0 && read.server() == killed
						&& read.startedNanos() - fault > TimeUnit.SECONDS.toNanos(1)).isEmpty();
			}
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));
	}

	@Test
	void aReplicaFrozenUnderEightReadersFailsNoReadAndHoldsNoneLongerThanDetectionAndOneRetry(
			MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.routing.retry-reads=" + RETRY)) {
			ReadWriteRoutingDataSource router = router(app);
			ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
			Readers readers = new Readers(app.getBean(Answers.class), app.getBean(JdbcTemplate.class));
			long fault;
			long resumed;
			try (readers) {
				readers.awaitReads(200);
				fault = System.nanoTime();
				cluster.freeze("replica-1");
				try {
					// The hang's length, while the readers keep reading: the fault itself, not a wait
					// for something to happen (what the test asserts is counted by the readers).
					Thread.sleep(8_000);
				}
				finally {
					cluster.resume("replica-1");
					resumed = System.nanoTime();
				}
				readers.awaitReads(200);
			}
			List<Read> around = readers.since(fault);
			report("freeze-8s", around, router);
			assertAllAnsweredRight(readers.reads);
			if (RETRY) {
				assertThat(failures(around)).as("failed reads").isEmpty();
				// Detection: a check starts within one interval (300 ms) and fails after its timeout (250 ms);
				// then the reads in flight are aborted and run again. A read that had not yet sent its
				// statement may wait for a replica connection, bounded by the pool's 2 s connection timeout.
				Duration bound = Duration.ofMillis(300 + 250 + 2000).plus(SLACK);
				long slowest = around.stream().mapToLong(Read::millis).max().orElse(0);
				assertThat(Duration.ofMillis(slowest)).isLessThanOrEqualTo(bound);
			}
			// Back only after the recovery checks, spaced an interval apart (3 checks, 300 ms: at least 600 ms).
			await().atMost(Duration.ofSeconds(30))
				.until(() -> monitor.snapshot().replica("replica-1").state() == ReplicaState.HEALTHY);
			long back = System.nanoTime();
			System.out.printf("rwsplit-measure read-retry freeze back-in-rotation-after-resume-ms=%d%n",
					TimeUnit.NANOSECONDS.toMillis(back - resumed));
			assertThat(Duration.ofNanos(back - resumed)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(60));
	}

	@Test
	void aSessionKilledOnTheReplicaRunsOnceMoreAndWithRetriesOffTheFailureReachesTheCaller(
			MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext app = start(cluster)) {
			Answers answers = app.getBean(Answers.class);
			answers.invocations().set(0);
			Object[] row = answers.killedOnce(cluster);
			assertThat(row[1]).isEqualTo(VALUE);
			assertThat(answers.invocations().get()).isEqualTo(2);
			assertThat(answers.firstServer()).isNotEqualTo(row[0]);
		}
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.routing.retry-reads=false")) {
			Answers answers = app.getBean(Answers.class);
			answers.invocations().set(0);
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> answers.killedOnce(cluster));
			assertThat(answers.invocations().get()).isEqualTo(1);
		}
	}

	@Test
	void aReadOnlyMethodThatFailsForAnotherReasonIsNotRetried(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster)) {
			Answers answers = app.getBean(Answers.class);
			answers.invocations().set(0);
			assertThatExceptionOfType(BadSqlGrammarException.class).isThrownBy(answers::badSql);
			assertThat(answers.invocations().get()).isEqualTo(1);
			assertThat(router(app).view().routeCounts().readRetries("replica-1")).isEmpty();
			assertThat(router(app).view().routeCounts().readRetries("replica-2")).isEmpty();
		}
	}

	@Test
	void aMethodThatWroteOrUsedThePrimaryBeforeFailingIsNotRetried(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster)) {
			Answers answers = app.getBean(Answers.class);
			answers.invocations().set(0);
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(answers::writesThenLosesItsConnection);
			assertThat(answers.invocations().get()).isEqualTo(1);
		}
	}

	@Test
	void aReadServedByThePrimaryIsNotRetried(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster)) {
			ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
			Answers answers = app.getBean(Answers.class);
			monitor.drain("replica-1");
			monitor.drain("replica-2");
			try {
				answers.invocations().set(0);
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(answers::readsThenLosesItsConnection);
				assertThat(answers.invocations().get()).isEqualTo(1);
				assertThat(answers.firstServer()).isEqualTo(cluster.primary().serverId());
			}
			finally {
				monitor.undrain("replica-1");
				monitor.undrain("replica-2");
			}
		}
	}

	private static List<Read> failures(List<Read> reads) {
		return reads.stream().filter((read) -> read.failure() != null).toList();
	}

	private static void assertAllAnsweredRight(Iterable<Read> reads) {
		for (Read read : reads) {
			if (read.failure() == null) {
				assertThat(read.value()).isEqualTo(VALUE);
			}
		}
	}

	private static long retries(ReadWriteRoutingDataSource router, String node, RouteCounts.RetryOutcome outcome) {
		return router.view().routeCounts().readRetries(node, outcome).sum();
	}

	private static void report(String fault, List<Read> around, ReadWriteRoutingDataSource router) {
		long slowest = around.stream().mapToLong(Read::millis).max().orElse(0);
		List<Read> failed = failures(around);
		System.out.printf("rwsplit-measure read-retry %s retry-reads=%s reads=%d failed=%d max-ms=%d retried=%s%n", fault,
				RETRY, around.size(), failed.size(), slowest, router.view().routeCounts().readRetries("replica-1"));
		failed.stream().limit(3).forEach((read) -> System.out.println("  failed: " + read.failure()));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Answers.class, Writes.class })
	static class App {

	}

	@Service
	static class Writes {

		private final JdbcTemplate jdbc;

		Writes(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Primary
		@Transactional(propagation = Propagation.REQUIRES_NEW)
		public void write() {
			this.jdbc.update("INSERT INTO writes (v) VALUES ('written')");
		}

	}

	@Service
	static class Answers {

		static final String SQL = "SELECT @@server_id, v FROM answers WHERE id = 1";

		private final JdbcTemplate jdbc;

		private final Writes writes;

		private final AtomicInteger invocations = new AtomicInteger();

		private volatile long firstServer;

		/** @return calls of the methods that count them (an accessor: the bean is a class proxy) */
		public AtomicInteger invocations() {
			return this.invocations;
		}

		/** @return the server the first run of a counting method read from */
		public long firstServer() {
			return this.firstServer;
		}

		Answers(JdbcTemplate jdbc, Writes writes) {
			this.jdbc = jdbc;
			this.writes = writes;
		}

		static Object[] read(JdbcTemplate jdbc) {
			return jdbc.queryForObject(SQL, (rs, n) -> new Object[] { rs.getLong(1), rs.getString(2) });
		}

		@Transactional(readOnly = true)
		public Object[] inReadOnlyTransaction() {
			return read(this.jdbc);
		}

		@ReadReplica
		public Object[] onReadReplica() {
			return read(this.jdbc);
		}

		/** The first run's session is killed on its replica between two statements. */
		@Transactional(readOnly = true)
		public Object[] killedOnce(MySqlReplicationCluster cluster) throws SQLException {
			long server = read(this.jdbc)[0] instanceof Long id ? id : 0;
			if (this.invocations.incrementAndGet() == 1) {
				this.firstServer = server;
				long session = this.jdbc.queryForObject("SELECT CONNECTION_ID()", Long.class);
				String node = (cluster.node("replica-1").serverId() == server) ? "replica-1" : "replica-2";
				try (Connection admin = cluster.openAdminConnection(node); Statement statement = admin.createStatement()) {
					statement.execute("KILL " + session);
				}
			}
			return read(this.jdbc);
		}

		@Transactional(readOnly = true)
		public Object[] badSql() {
			this.invocations.incrementAndGet();
			return this.jdbc.queryForObject("SELECT no_such_column FROM answers", (rs, n) -> new Object[] { rs.getString(1) });
		}

		/** Writes on the primary, reads on a replica, then fails as if its replica connection died. */
		@ReadReplica
		public void writesThenLosesItsConnection() {
			this.invocations.incrementAndGet();
			this.writes.write();
			read(this.jdbc);
			throw new IllegalStateException("lost", new SQLException("Communications link failure", "08S01"));
		}

		/** Reads (on the primary when no replica is in rotation), then fails as if its connection died. */
		@ReadReplica
		public void readsThenLosesItsConnection() {
			this.invocations.incrementAndGet();
			this.firstServer = (Long) read(this.jdbc)[0];
			throw new IllegalStateException("lost", new SQLException("Communications link failure", "08S01"));
		}

	}

}
