package io.github.rwsplit.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;

import io.github.rwsplit.testcluster.MySqlReplicationCluster;

/** What the harnesses read off the servers, and how they print latencies. */
final class ServerCounters {

	private ServerCounters() {
	}

	/**
	 * @return the statements a node has received ({@code Questions}); reading it counts one more
	 */
	static long questions(MySqlReplicationCluster cluster, String node) throws SQLException {
		try (Connection connection = cluster.openAdminConnection(node);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Questions'")) {
			rs.next();
			return rs.getLong(2);
		}
	}

	/**
	 * @param nanos durations, in any order, not empty
	 * @return their p50, p90 and p99 in milliseconds, as {@code p50 0.123 ms, p90 …, p99 …}
	 */
	static String percentilesMillis(long[] nanos) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		return String.format(Locale.ROOT, "p50 %.3f ms, p90 %.3f ms, p99 %.3f ms", sorted[sorted.length / 2] / 1e6,
				sorted[sorted.length * 9 / 10] / 1e6, sorted[sorted.length * 99 / 100] / 1e6);
	}

}
