package io.github.rwsplit.monitor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads a node's {@link NodeRole} in one statement on the monitor's connection: the read-only
 * flags, whether a replication channel (other than Group Replication's) receives or tries to
 * (a replica whose source died is {@code CONNECTING}, and still a replica), the group's quorum, and the
 * node's own row of {@code performance_schema.replication_group_members}. Every check of every
 * node runs it, so a role is observed, never assumed.
 *
 * <p>An account that may not read {@code performance_schema} still gets the flags: the probe falls
 * back to them alone (and then cannot tell a writable replica from a primary, nor follow a group).
 */
final class RoleProbe {

	private static final org.apache.commons.logging.Log logger = org.apache.commons.logging.LogFactory
		.getLog(RoleProbe.class);

	private static final int ER_TABLEACCESS_DENIED_ERROR = 1142;

	private static final int ER_NO_SUCH_TABLE = 1146;

	static final String ROLE_SQL = "SELECT @@global.read_only, @@global.super_read_only,"
			+ " (SELECT COUNT(*) FROM performance_schema.replication_connection_status"
			+ " WHERE CHANNEL_NAME NOT LIKE 'group_replication%' AND SERVICE_STATE IN ('ON', 'CONNECTING')),"
			+ " (SELECT MEMBER_STATE FROM performance_schema.replication_group_members WHERE MEMBER_ID = @@server_uuid),"
			+ " (SELECT MEMBER_ROLE FROM performance_schema.replication_group_members WHERE MEMBER_ID = @@server_uuid),"
			+ " @@server_uuid,"
			+ " (SELECT COUNT(*) FROM performance_schema.replication_group_members WHERE MEMBER_STATE = 'ONLINE'),"
			+ " (SELECT COUNT(*) FROM performance_schema.replication_group_members WHERE MEMBER_ID <> '')";

	static final String FLAGS_SQL = "SELECT @@global.read_only, @@global.super_read_only, @@server_uuid";

	static final String MEMBERS_SQL = "SELECT MEMBER_ID, MEMBER_HOST, MEMBER_PORT, MEMBER_STATE"
			+ " FROM performance_schema.replication_group_members";

	/**
	 * A member of a group, as the group's member list names it.
	 * @param uuid its {@code server_uuid}
	 * @param host the host it reports
	 * @param port the port it reports
	 * @param state its member state
	 */
	record Member(String uuid, String host, int port, String state) {
	}

	/**
	 * @param connection the monitor's connection to a group member
	 * @return the group's members
	 * @throws SQLException when the node does not answer or the list cannot be read
	 */
	java.util.List<Member> members(Connection connection) throws SQLException {
		java.util.List<Member> members = new java.util.ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(MEMBERS_SQL)) {
			while (rs.next()) {
				members.add(new Member(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4)));
			}
		}
		return members;
	}

	private volatile boolean flagsOnly;

	/**
	 * @param connection the monitor's connection to the node (its statement timeout bounds this)
	 * @return the node's role
	 * @throws SQLException when the node does not answer
	 */
	NodeRole read(Connection connection) throws SQLException {
		if (!this.flagsOnly) {
			try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(ROLE_SQL)) {
				rs.next();
				return new NodeRole(rs.getBoolean(1), rs.getBoolean(2), rs.getLong(3) > 0, rs.getString(4),
						rs.getString(5), rs.getString(6), true, rs.getInt(7), rs.getInt(8));
			}
			catch (SQLException ex) {
				if (ex.getErrorCode() != ER_TABLEACCESS_DENIED_ERROR && ex.getErrorCode() != ER_NO_SUCH_TABLE) {
					throw ex;
				}
				this.flagsOnly = true;
				logger.warn("rwsplit: the monitor's account may not read performance_schema (" + ex.getMessage()
						+ "); roles come from read_only/super_read_only alone, so a writable replica cannot be told from"
						+ " a second primary and Group Replication member states are not seen. Grant it SELECT ON"
						+ " performance_schema.*, or set rwsplit.monitor.username/password to an account that has it.");
			}
		}
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(FLAGS_SQL)) {
			rs.next();
			return new NodeRole(rs.getBoolean(1), rs.getBoolean(2), false, null, null, rs.getString(3), false, 0, 0);
		}
	}

	/** @return whether the probe reads only the read-only flags (performance_schema was denied) */
	boolean flagsOnly() {
		return this.flagsOnly;
	}

}
