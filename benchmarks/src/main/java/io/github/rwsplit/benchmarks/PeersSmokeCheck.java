package io.github.rwsplit.benchmarks;

import java.util.ArrayList;
import java.util.List;

import io.github.rwsplit.testcluster.ClusterSpec;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;

/**
 * Starts every contender against a 1 + 2 cluster and prints which server answered its reads and
 * its writes: the check that each is configured to split at all, before anything is measured.
 * Run with {@code benchmarks/peers.sh check}.
 */
public final class PeersSmokeCheck {

	private PeersSmokeCheck() {
	}

	public static void main(String[] args) throws Exception {
		try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(2).build())) {
			cluster.executeOnPrimaryAndAwaitReplicas(
					"CREATE TABLE bench_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
			for (Contender contender : Peers.all(cluster)) {
				try (contender) {
					List<Long> reads = new ArrayList<>();
					for (int i = 0; i < 6; i++) {
						reads.add(contender.read((jdbc) -> jdbc.queryForObject("SELECT @@server_id", Long.class)));
					}
					System.out.printf("%-32s reads answered by %s%n", contender.name(), reads);
					Long write = contender.write((jdbc) -> {
						jdbc.update("INSERT INTO bench_rows (v) VALUES ('check')");
						return jdbc.queryForObject("SELECT @@server_id", Long.class);
					});
					System.out.printf("%-32s reads answered by %s, write by %d%n", contender.name(), reads, write);
				}
				catch (Exception ex) {
					System.out.printf("%-32s FAILED: %s%n", contender.name(), ex);
					for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
						System.out.println("    caused by " + cause);
					}
				}
			}
		}
	}

}
