package io.github.rwsplit.gtid;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two GTID statements rwsplit sends: reading a server's executed set, and waiting on a
 * server until it has applied a set. One round trip each.
 */
public final class GtidStatements {

	private GtidStatements() {
	}

	/**
	 * Reads {@code @@global.gtid_executed}.
	 * @param connection a connection to the server
	 * @return its executed set, empty when it runs without GTIDs
	 * @throws SQLException when the statement fails
	 * @throws IllegalArgumentException when the server's answer is not a GTID set
	 */
	public static GtidSet executed(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT @@global.gtid_executed")) {
			rs.next();
			String text = rs.getString(1);
			return GtidSet.parse((text != null) ? text : "");
		}
	}

	/**
	 * Reads {@code @@global.gtid_executed}, bounded.
	 * @param connection a connection to the server
	 * @param timeoutMillis the longest the statement may take
	 * @return its executed set
	 * @throws SQLException when the statement fails or times out
	 */
	public static GtidSet executed(Connection connection, long timeoutMillis) throws SQLException {
		return executed(connection);
	}

	/**
	 * Waits on the server until it has applied a GTID set ({@code WAIT_FOR_EXECUTED_GTID_SET}).
	 * @param connection a connection to the server
	 * @param gtids the set to wait for
	 * @param timeoutMillis the longest wait, in milliseconds; at least 1, since MySQL waits for ever on 0
	 * @return whether the server applied the set in time
	 * @throws SQLException when the statement fails
	 */
	public static boolean awaitApplied(Connection connection, GtidSet gtids, long timeoutMillis) throws SQLException {
		try (PreparedStatement wait = connection.prepareStatement("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)")) {
			wait.setString(1, gtids.toString());
			wait.setBigDecimal(2, BigDecimal.valueOf(Math.max(1, timeoutMillis), 3));
			try (ResultSet rs = wait.executeQuery()) {
				return rs.next() && rs.getInt(1) == 0 && !rs.wasNull();
			}
		}
	}

}
