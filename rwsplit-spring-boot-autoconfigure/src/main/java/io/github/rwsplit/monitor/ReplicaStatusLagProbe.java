package io.github.rwsplit.monitor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Lag from {@code SHOW REPLICA STATUS}: {@code Seconds_Behind_Source} in whole seconds, and the
 * state of the replication threads. A stopped applier or a {@code NULL} lag is unknown, never
 * zero; a replication error is broken. Needs {@code REPLICATION CLIENT}.
 */
final class ReplicaStatusLagProbe implements LagProbe {

	@Override
	public void recordPrimary(Connection primary) throws SQLException {
		try (Statement statement = primary.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
			rs.next();
		}
	}

	@Override
	public CheckResult check(Connection replica) throws SQLException {
		try (Statement statement = replica.createStatement();
				ResultSet rs = statement.executeQuery("SHOW REPLICA STATUS")) {
			if (!rs.next()) {
				return CheckResult.broken("the server is not a replica (SHOW REPLICA STATUS is empty)");
			}
			String io = rs.getString("Replica_IO_Running");
			String sql = rs.getString("Replica_SQL_Running");
			String ioError = rs.getString("Last_IO_Error");
			String sqlError = rs.getString("Last_SQL_Error");
			if (!"Yes".equals(sql) && sqlError != null && !sqlError.isEmpty()) {
				return CheckResult.broken("SQL thread stopped: " + sqlError);
			}
			if (!"Yes".equals(io) && !"Connecting".equals(io) && ioError != null && !ioError.isEmpty()) {
				return CheckResult.broken("IO thread stopped: " + ioError);
			}
			if (!"Yes".equals(sql)) {
				return CheckResult.unknownLag("replication SQL thread stopped");
			}
			long seconds = rs.getLong("Seconds_Behind_Source");
			if (rs.wasNull()) {
				return CheckResult.unknownLag("Seconds_Behind_Source is NULL (IO thread " + io + ")");
			}
			return CheckResult.lag(seconds * 1_000_000_000L, null);
		}
	}

	@Override
	public LagSource source() {
		return LagSource.REPLICA_STATUS;
	}

}
