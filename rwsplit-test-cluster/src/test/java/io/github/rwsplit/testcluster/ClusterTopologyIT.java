package io.github.rwsplit.testcluster;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Changing which node is the primary at run time: planned switchover back and forth, failover
 * with the old primary coming back read-only and rejoining, and a split brain made and mended.
 * One dedicated cluster; the tests run in order because each starts from the topology the one
 * before left (always one writable primary, every other node replicating from it), and the split
 * brain's errant transaction comes last so that it cannot sway the failover's choice.
 */
@MySqlClusterTest(dedicated = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTopologyIT {

	private static final String TABLE = "topology_it";

	private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

	@BeforeAll
	static void createTable(MySqlReplicationCluster cluster) throws SQLException {
		cluster.executeOnPrimaryAndAwaitReplicas("CREATE TABLE " + TABLE + " (id VARCHAR(36) PRIMARY KEY, body TEXT)");
	}

	@Test
	@Order(1)
	void switchoverMovesWritesToTheNewPrimaryAndBackAgain(MySqlReplicationCluster cluster) throws SQLException {
		String first = cluster.primary().name();
		String second = cluster.replicas().get(0).name();

		SwitchoverResult there = cluster.switchover(second);
		assertPrimaryIs(cluster, second, first);
		assertThat(there.oldPrimary()).isEqualTo(first);
		assertThat(there.newPrimaryWritableAt()).isAfterOrEqualTo(there.oldPrimaryReadOnlyAt());
		String written = writeAndCheckEverywhere(cluster, "after the first switchover");

		SwitchoverResult back = cluster.switchover(first);
		assertPrimaryIs(cluster, first, second);
		assertThat(ClusterTestSupport.bodyOf(cluster, second, TABLE, written)).isEqualTo("after the first switchover");
		writeAndCheckEverywhere(cluster, "after switching back");
		System.out.printf("switchover %s -> %s: writes refused for %d ms, whole switchover %d ms%n", first, second,
				there.writeUnavailability().toMillis(), Duration.between(there.started(), there.completed()).toMillis());
		System.out.printf("switchover %s -> %s: writes refused for %d ms, whole switchover %d ms%n", second, first,
				back.writeUnavailability().toMillis(), Duration.between(back.started(), back.completed()).toMillis());
	}

	@Test
	@Order(2)
	void switchoverToThePrimaryItselfIsRefused(MySqlReplicationCluster cluster) {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> cluster.switchover(cluster.primary().name()))
			.withMessageContaining("is the primary now");
	}

	@Test
	@Order(3)
	void failoverPromotesTheMostAdvancedReplicaAndTheOldPrimaryRejoinsReadOnly(MySqlReplicationCluster cluster)
			throws SQLException {
		String oldPrimary = cluster.primary().name();
		String behind = cluster.replicas().get(0).name();
		String ahead = cluster.replicas().get(1).name();
		cluster.stopReplicaSqlThread(behind);
		String beforeCrash = UUID.randomUUID().toString();
		ClusterTestSupport.insert(cluster, TABLE, beforeCrash, "before the crash");
		assertThat(cluster.awaitGtidApplied(ahead, cluster.gtidExecuted(oldPrimary), Duration.ofSeconds(30))).isTrue();
		assertThat(cluster.mostAdvancedReplica()).isEqualTo(ahead);

		FailoverResult failover = cluster.failover();
		System.out.printf("failover %s -> %s: writes refused for %d ms after the kill%n", failover.failedPrimary(),
				failover.newPrimary(), failover.writeUnavailability().toMillis());

		assertThat(failover.failedPrimary()).isEqualTo(oldPrimary);
		assertThat(failover.newPrimary()).isEqualTo(ahead);
		assertPrimaryRoles(cluster, ahead);
		assertThat(cluster.isDetached(oldPrimary)).isTrue();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> cluster.gtidExecuted(oldPrimary));
		// The replica whose applier was stopped follows the new primary and keeps its applier stopped.
		assertThat(cluster.replicaStatus(behind).sqlThreadRunning()).isFalse();
		cluster.startReplicaSqlThread(behind);
		String afterFailover = UUID.randomUUID().toString();
		ClusterTestSupport.insert(cluster, TABLE, afterFailover, "after the failover");
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		assertThat(ClusterTestSupport.bodyOf(cluster, behind, TABLE, beforeCrash)).isEqualTo("before the crash");
		assertThat(ClusterTestSupport.bodyOf(cluster, behind, TABLE, afterFailover)).isEqualTo("after the failover");

		cluster.restart(oldPrimary);
		assertThat(cluster.isWritable(oldPrimary)).isFalse();
		assertThat(cluster.isDetached(oldPrimary)).isTrue();
		assertWriteRefused(cluster, oldPrimary);

		cluster.rejoinAsReplica(oldPrimary);
		assertThat(cluster.isDetached(oldPrimary)).isFalse();
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		assertThat(ClusterTestSupport.bodyOf(cluster, oldPrimary, TABLE, afterFailover)).isEqualTo("after the failover");
		assertThat(cluster.replicaStatus(oldPrimary).isReplicating()).isTrue();
		writeAndCheckEverywhere(cluster, "after the rejoin");
	}

	@Test
	@Order(4)
	void splitBrainIsMadeAndMended(MySqlReplicationCluster cluster) throws SQLException {
		String primary = cluster.primary().name();
		String rogue = cluster.replicas().get(0).name();

		cluster.setWritable(rogue, true);
		try {
			assertThat(cluster.isWritable(primary)).isTrue();
			assertThat(cluster.isWritable(rogue)).isTrue();
			String onRogue = UUID.randomUUID().toString();
			ClusterTestSupport.insertOn(cluster, rogue, TABLE, onRogue, "written on the rogue");
			ClusterTestSupport.insert(cluster, TABLE, UUID.randomUUID().toString(), "written on the primary");
			assertThat(ClusterTestSupport.bodyOf(cluster, rogue, TABLE, onRogue)).isEqualTo("written on the rogue");
			assertThat(ClusterTestSupport.bodyOf(cluster, primary, TABLE, onRogue)).isNull();
			assertThat(cluster.primary().name()).as("roles do not change").isEqualTo(primary);
		}
		finally {
			cluster.setWritable(rogue, false);
		}
		assertThat(cluster.isWritable(rogue)).isFalse();
		assertWriteRefused(cluster, rogue);
		assertThat(cluster.replicaStatus(rogue).isReplicating()).isTrue();
		writeAndCheckEverywhere(cluster, "after the split brain");
	}

	private static void assertPrimaryIs(MySqlReplicationCluster cluster, String primary, String oldPrimary)
			throws SQLException {
		assertPrimaryRoles(cluster, primary);
		assertThat(cluster.isDetached(oldPrimary)).isFalse();
		assertThat(cluster.isWritable(oldPrimary)).isFalse();
		assertWriteRefused(cluster, oldPrimary);
		assertThat(cluster.replicaStatus(oldPrimary).isReplicating()).isTrue();
	}

	private static void assertPrimaryRoles(MySqlReplicationCluster cluster, String primary) {
		assertThat(cluster.primary().name()).isEqualTo(primary);
		assertThat(cluster.node(primary).role()).isEqualTo(NodeRole.PRIMARY);
		assertThat(cluster.nodes().get(0).name()).isEqualTo(primary);
		assertThat(cluster.replicas()).hasSize(2)
			.allSatisfy((replica) -> assertThat(replica.role()).isEqualTo(NodeRole.REPLICA))
			.extracting(ClusterNode::name)
			.doesNotContain(primary);
		assertThat(cluster.isWritable(primary)).isTrue();
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> cluster.stopReplicaSqlThread(primary));
	}

	private static void assertWriteRefused(MySqlReplicationCluster cluster, String node) {
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> ClusterTestSupport.insertOn(cluster, node, TABLE, UUID.randomUUID().toString(), "refused"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(ER_OPTION_PREVENTS_STATEMENT));
	}

	/** Writes on the current primary and checks that every replica shows the row. */
	private static String writeAndCheckEverywhere(MySqlReplicationCluster cluster, String body) throws SQLException {
		String id = UUID.randomUUID().toString();
		Instant before = Instant.now();
		ClusterTestSupport.insert(cluster, TABLE, id, body);
		assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(30));
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		for (ClusterNode node : cluster.nodes()) {
			assertThat(ClusterTestSupport.bodyOf(cluster, node.name(), TABLE, id)).as(node.name()).isEqualTo(body);
		}
		return id;
	}

}
