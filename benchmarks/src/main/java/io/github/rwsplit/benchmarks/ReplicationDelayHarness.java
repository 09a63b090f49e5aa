package io.github.rwsplit.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import io.github.rwsplit.testcluster.ClusterSpec;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;

/**
 * What a read-your-writes wait costs on a local cluster, without rwsplit: one thread commits an
 * INSERT on the primary and at once waits on a replica for that transaction
 * ({@code WAIT_FOR_EXECUTED_GTID_SET}), timed from the commit's return to the wait's answer;
 * beside it, a replica's bare round trip ({@code SELECT 1}) and the same wait for a transaction
 * the replica already has. Run once with the replica's default applier and once with a single
 * applier thread. Prints its figures; run with {@code benchmarks/replication-delay.sh [samples]}.
 */
public final class ReplicationDelayHarness {

	private ReplicationDelayHarness() {
	}

	public static void main(String[] args) throws Exception {
		int samples = (args.length > 0) ? Integer.parseInt(args[0]) : 2000;
		try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(1).build())) {
			cluster.executeOnPrimaryAndAwaitReplicas("CREATE TABLE delay_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY)");
			String replica = cluster.replicas().get(0).name();
			try (Connection admin = cluster.openAdminConnection(replica); Statement statement = admin.createStatement();
					ResultSet rs = statement.executeQuery("SELECT @@global.replica_parallel_workers")) {
				rs.next();
				System.out.printf("replica_parallel_workers = %d (the server's default)%n", rs.getInt(1));
			}
			measure(cluster, replica, samples);
			setWorkers(cluster, replica, 0);
			System.out.println("replica_parallel_workers = 0 (one applier thread)");
			measure(cluster, replica, samples);
		}
	}

	private static void setWorkers(MySqlReplicationCluster cluster, String replica, int workers) throws SQLException {
		try (Connection admin = cluster.openAdminConnection(replica); Statement statement = admin.createStatement()) {
			statement.execute("STOP REPLICA SQL_THREAD");
			statement.execute("SET GLOBAL replica_parallel_workers = " + workers);
			statement.execute("START REPLICA SQL_THREAD");
		}
	}

	private static void measure(MySqlReplicationCluster cluster, String replica, int samples) throws SQLException {
		long[] roundTrip = new long[samples];
		long[] waitHeld = new long[samples];
		long[] waitNew = new long[samples];
		try (Connection primary = cluster.openAdminConnection(cluster.primary().name());
				Connection onReplica = cluster.openAdminConnection(replica);
				Statement insert = primary.createStatement();
				PreparedStatement one = onReplica.prepareStatement("SELECT 1");
				PreparedStatement wait = onReplica.prepareStatement("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, 5)")) {
			insert.execute("USE " + cluster.schema());
			String source;
			long next;
			try (Statement statement = primary.createStatement();
					ResultSet rs = statement.executeQuery("SELECT @@global.server_uuid")) {
				rs.next();
				source = rs.getString(1);
			}
			// This thread is the only writer: each INSERT takes the next number of the primary's source.
			next = lastNumber(cluster.gtidExecuted(cluster.primary().name()), source) + 1;
			cluster.awaitReplicasCaughtUp(java.time.Duration.ofSeconds(30));
			for (int i = -samples / 10; i < samples; i++) {
				long started = System.nanoTime();
				one.executeQuery().close();
				long rt = System.nanoTime() - started;
				insert.executeUpdate("INSERT INTO delay_rows () VALUES ()");
				String gtid = source + ":" + next++;
				started = System.nanoTime();
				wait.setString(1, gtid);
				try (ResultSet rs = wait.executeQuery()) {
					rs.next();
					if (rs.getInt(1) != 0) {
						throw new IllegalStateException("The replica did not apply " + gtid + " within 5 s");
					}
				}
				long fresh = System.nanoTime() - started;
				started = System.nanoTime();
				wait.executeQuery().close();
				long held = System.nanoTime() - started;
				if (i >= 0) {
					roundTrip[i] = rt;
					waitNew[i] = fresh;
					waitHeld[i] = held;
				}
			}
		}
		print("SELECT 1 on the replica", roundTrip);
		print("wait for a transaction the replica has", waitHeld);
		print("wait for the write just committed", waitNew);
	}

	private static long lastNumber(String executed, String source) {
		for (String part : executed.replace("\n", "").split(",")) {
			if (part.startsWith(source + ":")) {
				String range = part.substring(part.lastIndexOf(':') + 1);
				return Long.parseLong(range.substring(range.indexOf('-') + 1));
			}
		}
		return 0;
	}

	private static void print(String what, long[] nanos) {
		System.out.printf(Locale.ROOT, "  %-40s %s%n", what, ServerCounters.percentilesMillis(nanos));
	}

}
