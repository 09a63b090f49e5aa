package io.github.rwsplit.testcluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Plain JDBC helpers for the cluster's own tests.
 */
final class ClusterTestSupport {

	private ClusterTestSupport() {
	}

	static Connection connect(MySqlReplicationCluster cluster, String node, Credentials user) throws SQLException {
		return DriverManager.getConnection(cluster.node(node).jdbcUrl(), user.username(), user.password());
	}

	static long queryLong(MySqlReplicationCluster cluster, String node, String sql) throws SQLException {
		try (Connection connection = cluster.openAdminConnection(node);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	/** The body of a row of {@code table} on a node, or null when the node does not have it. */
	static String bodyOf(MySqlReplicationCluster cluster, String node, String table, String id) throws SQLException {
		try (Connection connection = cluster.openAdminConnection(node);
				PreparedStatement statement = connection.prepareStatement("SELECT body FROM " + table + " WHERE id = ?")) {
			statement.setString(1, id);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? rs.getString(1) : null;
			}
		}
	}

	static String bodyOf(MySqlReplicationCluster cluster, String node, String id) throws SQLException {
		return bodyOf(cluster, node, "shared_cluster_it", id);
	}

	/** Inserts a row on the current primary, as the application account. */
	static void insert(MySqlReplicationCluster cluster, String table, String id, String body) throws SQLException {
		insertOn(cluster, cluster.primary().name(), table, id, body);
	}

	/** Inserts a row on a given node, as the application account. */
	static void insertOn(MySqlReplicationCluster cluster, String node, String table, String id, String body)
			throws SQLException {
		try (Connection connection = connect(cluster, node, cluster.appUser());
				PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
			statement.setString(1, id);
			statement.setString(2, body);
			statement.executeUpdate();
		}
	}

}
