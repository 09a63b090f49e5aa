package io.github.rwsplit.mysql;

import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Properties;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.jdbc.interceptors.ConnectionLifecycleInterceptor;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.ServerSessionStateController;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.gtid.GtidSet;

import io.github.rwsplit.consistency.ConsistencyTracker;

/**
 * Installed on the primary's pool through Connector/J's {@code connectionLifecycleInterceptors}:
 * registers, once per physical connection, a listener for the session state MySQL sends in every
 * OK packet, and records the GTID of each commit (an autocommit statement or a {@code COMMIT}) in
 * the session of the thread that ran it. Needs {@code trackSessionState=true} and
 * {@code session_track_gtids=OWN_GTID}, which rwsplit sets on the primary pool. No extra round
 * trip: the GTID arrives with the statement's own reply.
 */
public class GtidCaptureInterceptor implements ConnectionLifecycleInterceptor {

	/** Connection property carrying the router's id, to find its {@link ConsistencyTracker}. */
	public static final String ROUTER_PROPERTY = "rwsplitRouter";

	/**
	 * Connector/J holds session-state listeners only through weak references: this field, on an
	 * interceptor the connection holds strongly, keeps the listener alive as long as the connection.
	 */
	private ServerSessionStateController.SessionStateChangesListener listener;

	@Override
	public ConnectionLifecycleInterceptor init(MysqlConnection connection, Properties properties, Log log) {
		String router = properties.getProperty(ROUTER_PROPERTY);
		// Pools may open connections before their router exists: create its tracker if need be.
		ConsistencyTracker tracker = (router != null) ? ConsistencyTracker.of(router) : null;
		if (connection instanceof JdbcConnection jdbc) {
			this.listener = (changes) -> {
				try {
					record(changes, tracker);
				}
				catch (RuntimeException ex) {
					// Runs inside the driver's handling of a commit: never let it fail the commit.
				}
			};
			jdbc.getServerSessionStateController().addSessionStateChangesListener(this.listener);
		}
		return this;
	}

	private static void record(ServerSessionStateController.ServerSessionStateChanges changes,
			ConsistencyTracker tracker) {
				for (ServerSessionStateController.SessionStateChange change : changes.getSessionStateChangesList()) {
					if (change.getType() == ServerSessionStateController.SESSION_TRACK_GTIDS) {
						GtidSet gtid = parse(change.getValues());
						if (gtid != null && !gtid.isEmpty()) {
							ConsistencyTracker.commitCaptured(tracker, gtid);
						}
					}
				}
	}

	/** The change carries an encoding specification, then the GTID set; take what parses. */
	static @Nullable GtidSet parse(List<String> values) {
		for (int i = values.size() - 1; i >= 0; i--) {
			try {
				GtidSet set = GtidSet.parse(values.get(i));
				if (!set.isEmpty()) {
					return set;
				}
			}
			catch (IllegalArgumentException ex) {
				// Not the GTID value; try the next.
			}
		}
		return null;
	}

	@Override
	public void destroy() {
	}

	@Override
	public void close() throws SQLException {
	}

	@Override
	public boolean commit() throws SQLException {
		return true;
	}

	@Override
	public boolean rollback() throws SQLException {
		return true;
	}

	@Override
	public boolean rollback(Savepoint savepoint) throws SQLException {
		return true;
	}

	@Override
	public boolean setAutoCommit(boolean flag) throws SQLException {
		return true;
	}

	@Override
	public boolean setDatabase(String database) throws SQLException {
		return true;
	}

	@Override
	public boolean transactionBegun() {
		return true;
	}

	@Override
	public boolean transactionCompleted() {
		return true;
	}

}
