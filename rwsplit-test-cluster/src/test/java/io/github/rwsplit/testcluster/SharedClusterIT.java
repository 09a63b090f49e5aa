package io.github.rwsplit.testcluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Behaviour of a healthy cluster: replication, identities, accounts and read-only replicas. Uses
 * the shared cluster and leaves it as it found it.
 */
@MySqlClusterTest
class SharedClusterIT {

	private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

	private static final int ER_TABLEACCESS_DENIED_ERROR = 1142;

	@BeforeAll
	static void createTable(MySqlReplicationCluster cluster) throws SQLException {
		try (Connection connection = ClusterTestSupport.connect(cluster, "primary", cluster.appUser());
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS shared_cluster_it (id VARCHAR(36) PRIMARY KEY, body TEXT)");
		}
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	@Test
	void clusterHasOnePrimaryAndTwoReplicasOnLoopback(MySqlReplicationCluster cluster) {
		assertThat(cluster.primary().name()).isEqualTo("primary");
		assertThat(cluster.replicas()).extracting(ClusterNode::name).containsExactly("replica-1", "replica-2");
		assertThat(cluster.nodes()).allSatisfy((node) -> assertThat(node.host()).isEqualTo("127.0.0.1"));
		assertThat(cluster.nodes()).extracting(ClusterNode::port).doesNotHaveDuplicates();
	}

	@Test
	void everyNodeReportsTheServerIdTheClusterAdvertises(MySqlReplicationCluster cluster) throws SQLException {
		Set<Long> seen = new HashSet<>();
		for (ClusterNode node : cluster.nodes()) {
			long serverId = ClusterTestSupport.queryLong(cluster, node.name(), "SELECT @@server_id");
			assertThat(serverId).as(node.name()).isEqualTo(node.serverId());
			seen.add(serverId);
		}
		assertThat(seen).hasSize(3);
	}

	@Test
	void writeOnPrimaryBecomesVisibleOnEveryReplica(MySqlReplicationCluster cluster) throws SQLException {
		String id = UUID.randomUUID().toString();
		try (Connection connection = ClusterTestSupport.connect(cluster, "primary", cluster.appUser());
				Statement statement = connection.createStatement()) {
			statement.executeUpdate("INSERT INTO shared_cluster_it VALUES ('" + id + "', 'hello')");
		}
		for (ClusterNode replica : cluster.replicas()) {
			await(replica.name() + " shows the row").atMost(Duration.ofSeconds(20))
				.until(() -> ClusterTestSupport.bodyOf(cluster, replica.name(), id), "hello"::equals);
		}
	}

	@Test
	void writeOnReplicaFailsWithMySqlsReadOnlyErrorAndWritesNothing(MySqlReplicationCluster cluster)
			throws SQLException {
		String id = UUID.randomUUID().toString();
		for (ClusterNode replica : cluster.replicas()) {
			try (Connection connection = ClusterTestSupport.connect(cluster, replica.name(), cluster.appUser());
					Statement statement = connection.createStatement()) {
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> statement.executeUpdate("INSERT INTO shared_cluster_it VALUES ('" + id + "', 'x')"))
					.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(ER_OPTION_PREVENTS_STATEMENT))
					.withMessageContaining("read-only");
			}
		}
		for (ClusterNode node : cluster.nodes()) {
			assertThat(ClusterTestSupport.bodyOf(cluster, node.name(), id)).as(node.name()).isNull();
		}
	}

	@Test
	void readOnlyUserCanReadButNotWriteOnThePrimary(MySqlReplicationCluster cluster) throws SQLException {
		try (Connection connection = ClusterTestSupport.connect(cluster, "primary", cluster.readOnlyUser());
				Statement statement = connection.createStatement()) {
			try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM shared_cluster_it")) {
				assertThat(rs.next()).isTrue();
			}
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.executeUpdate("INSERT INTO shared_cluster_it VALUES ('ro', 'x')"))
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(ER_TABLEACCESS_DENIED_ERROR));
		}
	}

	@Test
	void gtidOfACommitIsAppliedOnEveryReplica(MySqlReplicationCluster cluster) throws SQLException {
		try (Connection connection = ClusterTestSupport.connect(cluster, "primary", cluster.appUser());
				Statement statement = connection.createStatement()) {
			statement.executeUpdate("INSERT INTO shared_cluster_it VALUES ('" + UUID.randomUUID() + "', 'gtid')");
		}
		String primaryGtids = cluster.gtidExecuted("primary");
		assertThat(primaryGtids).matches("[0-9a-f-]{36}:1-\\d+");
		for (ClusterNode replica : cluster.replicas()) {
			assertThat(cluster.awaitGtidApplied(replica.name(), primaryGtids, Duration.ofSeconds(20))).isTrue();
			assertThat(cluster.gtidExecuted(replica.name())).isEqualTo(primaryGtids);
		}
	}

	@Test
	void awaitingAGtidNoServerHasTimesOut(MySqlReplicationCluster cluster) {
		String foreign = UUID.randomUUID() + ":1";
		assertThat(cluster.awaitGtidApplied("replica-1", foreign, Duration.ofMillis(300))).isFalse();
	}

	@Test
	void replicasReportHealthyReplication(MySqlReplicationCluster cluster) {
		for (ClusterNode replica : cluster.replicas()) {
			ReplicaStatus status = cluster.replicaStatus(replica.name());
			assertThat(status.isReplicating()).as(replica.name() + ": " + status).isTrue();
			assertThat(status.secondsBehindSource()).isNotNull();
			assertThat(status.lastError()).isEmpty();
		}
	}

	@Test
	void unknownNodesAndPrimaryOnlyMisuseAreRejectedWithTheirName(MySqlReplicationCluster cluster) {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> cluster.node("replica-9"))
			.withMessageContaining("replica-9")
			.withMessageContaining("[primary, replica-1, replica-2]");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> cluster.stopReplicaSqlThread("primary"))
			.withMessageContaining("'primary' is the primary");
	}

	@Test
	void jdbcUrlsCarryNoCredentials(MySqlReplicationCluster cluster) {
		List<String> passwords = List.of(cluster.appUser().password(), cluster.adminUser().password(),
				cluster.readOnlyUser().password(), cluster.replicationUser().password());
		for (ClusterNode node : cluster.nodes()) {
			assertThat(node.jdbcUrl()).startsWith("jdbc:mysql://127.0.0.1:" + node.port() + "/rwsplit?");
			passwords.forEach((password) -> assertThat(node.jdbcUrl()).doesNotContain(password));
		}
		assertThat(cluster.appUser().toString()).doesNotContain(cluster.appUser().password());
	}

	@Test
	void sharedClusterIsOnePerJvm(MySqlReplicationCluster cluster) {
		assertThat(cluster).isSameAs(SharedMySqlCluster.get());
	}


}
