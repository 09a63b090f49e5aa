package io.github.rwsplit.it.consistency;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.rwsplit.barrier.BarrierResult;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.gtid.GtidStatements;
import io.github.rwsplit.gtid.WaitPermits;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * rwsplit's own waits on a real cluster of their own: bounded on the client when a replica hangs
 * (SIGSTOP), and write barriers that a slow replica does not hold up, however many run at once.
 * Every test mends what it broke.
 */
@MySqlClusterTest(dedicated = true, replicas = 2)
class BoundedWaitsIT {

	/** A set no server here will ever have: its server UUID is made up. */
	private static final GtidSet NEVER = GtidSet.parse("0badc0de-0000-4000-8000-000000000001:1");

	/**
	 * Slack over a bound, for a 2-core machine shared with other builds: the JVM and the kernel
	 * may each take hundreds of milliseconds to get to a thread whose timer fired.
	 */
	private static final Duration SLACK = Duration.ofSeconds(2);

	@BeforeEach
	@AfterEach
	void forgetThisThreadsSession() {
		ConsistencyContext.clear();
	}

	@BeforeAll
	static void createTables(MySqlReplicationCluster cluster) throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE waits (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
	}

	private static Connection open(MySqlReplicationCluster cluster, String node) throws SQLException {
		ClusterNode target = cluster.node(node);
		return DriverManager.getConnection(target.jdbcUrl(), cluster.appUser().username(), cluster.appUser().password());
	}

	@Test
	void aWaitOnAReplicaThatHangsEndsWithinItsBoundOnTheClient(MySqlReplicationCluster cluster) throws Exception {
		long timeoutMillis = 2000;
		ExecutorService waiter = Executors.newSingleThreadExecutor();
		Connection waiting = open(cluster, "replica-1");
		Connection reading = open(cluster, "replica-1");
		try {
			long[] started = new long[1];
			Future<Boolean> wait = waiter.submit(() -> {
				started[0] = System.nanoTime();
				return GtidStatements.awaitApplied(waiting, NEVER, timeoutMillis);
			});
			// The wait is on the server before the server stops: only the client can end it now.
			await().atMost(Duration.ofSeconds(10)).until(() -> waitsRunningOn(cluster, "replica-1") > 0);
			cluster.freeze("replica-1");
			Duration bound = Duration.ofMillis(timeoutMillis + GtidStatements.CLIENT_MARGIN_MILLIS);
			assertTimeoutPreemptively(bound.plus(SLACK).plusSeconds(10), () -> {
				assertThatExceptionOfType(java.util.concurrent.ExecutionException.class).isThrownBy(wait::get)
					.havingCause()
					.isInstanceOf(SQLException.class)
					.satisfies((ex) -> assertThat(((SQLException) ex).getSQLState()).startsWith("08"));
			});
			Duration took = Duration.ofNanos(System.nanoTime() - started[0]);
			System.out.printf("rwsplit-measure awaitApplied on a frozen replica timeout-ms=%d took-ms=%d%n", timeoutMillis,
					took.toMillis());
			assertThat(took).isLessThanOrEqualTo(bound.plus(SLACK));

			// Reading the executed set is bounded the same way.
			long readStarted = System.nanoTime();
			assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> GtidStatements.executed(reading, 500))
				.satisfies((ex) -> assertThat(ex.getSQLState()).startsWith("08")));
			Duration read = Duration.ofNanos(System.nanoTime() - readStarted);
			System.out.printf("rwsplit-measure executed on a frozen replica timeout-ms=500 took-ms=%d%n", read.toMillis());
			assertThat(read).isLessThanOrEqualTo(Duration.ofMillis(500).plus(SLACK));
		}
		finally {
			// Resumed before the connections close: closing one whose statement is still blocked would
			// wait for that statement (Connector/J closes under the connection's lock).
			cluster.resume("replica-1");
			waiter.shutdownNow();
			waiting.close();
			reading.close();
		}
		// Mended: the replica answers again.
		try (Connection connection = open(cluster, "replica-1")) {
			assertThat(GtidStatements.executed(connection).isEmpty()).isFalse();
		}
	}

	private static int waitsRunningOn(MySqlReplicationCluster cluster, String node) throws SQLException {
		try (Connection admin = cluster.openAdminConnection(node);
				Statement statement = admin.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
						+ "WHERE INFO LIKE '%WAIT\\_FOR\\_EXECUTED\\_GTID\\_SET%' AND ID <> CONNECTION_ID()")) {
			rs.next();
			return rs.getInt(1);
		}
	}

	@Test
	void fortyBarriersAtOnceWithOneReplicaStoppedAreAllMetByTheOtherWellBeforeTheTimeout(
			MySqlReplicationCluster cluster) throws Exception {
		int barriers = 40;
		Map<String, Object> properties = ItProperties.jdbcOnly(cluster);
		properties.put("rwsplit.write-barrier.timeout", "5s");
		// Forty waits at once on each replica: the cap and the replica pools must have room for them all,
		// or the barriers that find no permit count replica-1 as not asked (tested without a server).
		properties.put("rwsplit.consistency.max-waits-per-replica", String.valueOf(barriers));
		for (String replica : List.of("replica-1", "replica-2")) {
			properties.put("rwsplit.replicas." + replica + ".pool.maximum-pool-size", String.valueOf(barriers + 4));
			properties.put("rwsplit.replicas." + replica + ".pool.minimum-idle", "2");
		}
		properties.put("rwsplit.pool.maximum-pool-size", String.valueOf(barriers));
		properties.put("rwsplit.pool.minimum-idle", "2");
		cluster.stopReplicaSqlThread("replica-2");
		ExecutorService callers = Executors.newFixedThreadPool(barriers);
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties(properties)
			.run()) {
			JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
			WriteBarrier barrier = app.getBean(WriteBarrier.class);
			ReadWriteRoutingDataSource router = app.getBean(RwsplitDataSource.class).getRouter();
			WaitPermits permits = router.getWaitPermits();
			assertThat(permits.max("replica-2")).isEqualTo(barriers);
			CountDownLatch written = new CountDownLatch(barriers);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<BarrierResult>> results = new ArrayList<>();
			for (int i = 0; i < barriers; i++) {
				String value = "barrier-" + i;
				results.add(callers.submit(() -> {
					ConsistencyContext.clear();
					WriteBarrier.Mark before = WriteBarrier.mark();
					jdbc.update("INSERT INTO waits (v) VALUES (?)", value);
					WriteBarrier.Mark after = WriteBarrier.mark();
					written.countDown();
					// All forty barriers start together.
					go.await();
					return barrier.awaitBetween(before, after, 1, null, null, null);
				}));
			}
			assertThat(written.await(60, TimeUnit.SECONDS)).isTrue();
			go.countDown();
			long slowest = 0;
			List<Long> elapsed = new ArrayList<>();
			for (Future<BarrierResult> future : results) {
				BarrierResult result = future.get(30, TimeUnit.SECONDS);
				assertThat(result.outcome()).as(result.describe()).isEqualTo(BarrierResult.Outcome.MET);
				assertThat(result.applied()).as(result.describe()).contains("replica-1");
				elapsed.add(result.elapsed().toMillis());
				slowest = Math.max(slowest, result.elapsed().toMillis());
			}
			elapsed.sort(null);
			System.out.printf("rwsplit-measure 40 barriers awaitReplicas=1 replica-2 stopped timeout=5s median-ms=%d "
					+ "max-ms=%d%n", elapsed.get(elapsed.size() / 2), slowest);
			// Well below the slow replica's 5 s timeout, with room for a busy 2-core machine.
			assertThat(slowest).isLessThanOrEqualTo(2500);

			// The waits on replica-2 end when it applies the writes; none counts as a slow answer of replica-2.
			cluster.startReplicaSqlThread("replica-2");
			await().atMost(Duration.ofSeconds(15)).until(() -> permits.inUse("replica-2") == 0);
			ReplicaNode replica2 = router.getReplicas().stream().filter((r) -> r.name().equals("replica-2")).findFirst()
				.orElseThrow();
			long average = replica2.responseTime().averageNanos(System.nanoTime());
			System.out.printf("rwsplit-measure replica-2 response-time average-us=%d after 40 barrier waits%n",
					average / 1000);
			assertThat(average).isLessThan(Duration.ofMillis(200).toNanos());
		}
		finally {
			callers.shutdownNow();
			cluster.startReplicaSqlThread("replica-2");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
