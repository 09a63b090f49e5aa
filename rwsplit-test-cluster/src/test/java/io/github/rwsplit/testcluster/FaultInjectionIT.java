package io.github.rwsplit.testcluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The fault controls later issues test with, each observed on a real cluster. A dedicated
 * cluster, because these tests break nodes; each test mends what it broke.
 */
@MySqlClusterTest(dedicated = true)
class FaultInjectionIT {

	private static final String TABLE = "fault_it";

	@BeforeAll
	static void createTable(MySqlReplicationCluster cluster) throws SQLException {
		try (Connection connection = ClusterTestSupport.connect(cluster, "primary", cluster.appUser());
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE " + TABLE + " (id VARCHAR(36) PRIMARY KEY, body TEXT)");
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	@Test
	void stoppedSqlThreadLeavesTheReplicaBehindUntilStartedAgain(MySqlReplicationCluster cluster) throws SQLException {
		cluster.stopReplicaSqlThread("replica-1");
		try {
			assertThat(cluster.replicaStatus("replica-1").sqlThreadRunning()).isFalse();
			assertThat(cluster.replicaStatus("replica-1").secondsBehindSource()).isNull();
			String id = UUID.randomUUID().toString();
			ClusterTestSupport.insert(cluster, TABLE, id, "written while stopped");
			String gtids = cluster.gtidExecuted("primary");

			assertThat(cluster.awaitGtidApplied("replica-2", gtids, Duration.ofSeconds(20))).isTrue();
			assertThat(cluster.awaitGtidApplied("replica-1", gtids, Duration.ofMillis(500))).isFalse();
			assertThat(ClusterTestSupport.bodyOf(cluster, "replica-1", TABLE, id)).isNull();
			assertThat(ClusterTestSupport.bodyOf(cluster, "replica-2", TABLE, id)).isEqualTo("written while stopped");

			cluster.startReplicaSqlThread("replica-1");
			assertThat(cluster.awaitGtidApplied("replica-1", gtids, Duration.ofSeconds(20))).isTrue();
			assertThat(ClusterTestSupport.bodyOf(cluster, "replica-1", TABLE, id)).isEqualTo("written while stopped");
		}
		finally {
			cluster.startReplicaSqlThread("replica-1");
		}
	}

	@Test
	void replicationDelayHoldsTransactionsBackForTheDelay(MySqlReplicationCluster cluster) throws SQLException {
		cluster.setReplicationDelay("replica-2", Duration.ofSeconds(2));
		try {
			assertThat(cluster.replicaStatus("replica-2").sourceDelaySeconds()).isEqualTo(2);
			assertThat(cluster.replicaStatus("replica-2").sqlThreadRunning()).isTrue();
			String id = UUID.randomUUID().toString();
			long committed = System.nanoTime();
			ClusterTestSupport.insert(cluster, TABLE, id, "delayed");

			await("replica-1 shows the row").atMost(Duration.ofSeconds(10))
				.until(() -> ClusterTestSupport.bodyOf(cluster, "replica-1", TABLE, id), "delayed"::equals);
			await("replica-2 shows the row").atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> ClusterTestSupport.bodyOf(cluster, "replica-2", TABLE, id), "delayed"::equals);
			Duration visibleAfter = Duration.ofNanos(System.nanoTime() - committed);
			// MySQL counts the delay in whole seconds from the commit's timestamp on the primary,
			// which is truncated to the second: the row can show up to a second early.
			assertThat(visibleAfter).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		}
		finally {
			cluster.setReplicationDelay("replica-2", Duration.ZERO);
		}
		assertThat(cluster.replicaStatus("replica-2").sourceDelaySeconds()).isZero();
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(20));
	}

	@Test
	void replicationDelayMustBeWholeSeconds(MySqlReplicationCluster cluster) {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> cluster.setReplicationDelay("replica-1", Duration.ofMillis(1500)))
			.withMessageContaining("whole seconds");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> cluster.setReplicationDelay("replica-1", Duration.ofSeconds(-1)));
	}

	@Test
	void killedReplicaRestartsOnItsDataAndCatchesUp(MySqlReplicationCluster cluster) throws SQLException {
		String before = UUID.randomUUID().toString();
		ClusterTestSupport.insert(cluster, TABLE, before, "before the crash");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(20));

		cluster.kill("replica-1");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> cluster.gtidExecuted("replica-1"));
		String during = UUID.randomUUID().toString();
		ClusterTestSupport.insert(cluster, TABLE, during, "while it was down");

		cluster.restart("replica-1");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		assertThat(ClusterTestSupport.bodyOf(cluster, "replica-1", TABLE, before)).isEqualTo("before the crash");
		assertThat(ClusterTestSupport.bodyOf(cluster, "replica-1", TABLE, during)).isEqualTo("while it was down");
		assertThat(cluster.replicaStatus("replica-1").isReplicating()).isTrue();
		assertThat(ClusterTestSupport.queryLong(cluster, "replica-1", "SELECT @@super_read_only")).isEqualTo(1);
	}

	@Test
	void killedPrimaryRestartsAndReplicasReconnectByThemselves(MySqlReplicationCluster cluster) throws SQLException {
		cluster.kill("primary");
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> ClusterTestSupport.insert(cluster, TABLE, UUID.randomUUID().toString(), "lost"));

		cluster.restart("primary");
		String id = UUID.randomUUID().toString();
		ClusterTestSupport.insert(cluster, TABLE, id, "after the primary came back");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		for (ClusterNode replica : cluster.replicas()) {
			assertThat(ClusterTestSupport.bodyOf(cluster, replica.name(), TABLE, id)).isEqualTo("after the primary came back");
		}
	}

	@Test
	void frozenNodeAnswersNothingUntilResumed(MySqlReplicationCluster cluster) throws SQLException {
		cluster.freeze("replica-2");
		try {
			Properties properties = new Properties();
			properties.setProperty("user", cluster.appUser().username());
			properties.setProperty("password", cluster.appUser().password());
			properties.setProperty("connectTimeout", "500");
			properties.setProperty("socketTimeout", "500");
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> java.sql.DriverManager
				.getConnection(cluster.node("replica-2").jdbcUrl(), properties)
				.close());
		}
		finally {
			cluster.resume("replica-2");
		}
		assertThat(ClusterTestSupport.queryLong(cluster, "replica-2", "SELECT @@server_id")).isEqualTo(3);
	}

}
