package io.github.rwsplit.mysql;

import java.sql.SQLException;
import java.util.Properties;

import com.mysql.cj.exceptions.ExceptionInterceptor;
import com.mysql.cj.log.Log;

import io.github.rwsplit.routing.ConnectionFailureSignals;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RouteReason;
import io.github.rwsplit.routing.RoutingDiagnostics;

/**
 * Watches failures on replica connections. Installed on replica pools only, through Connector/J's
 * {@code exceptionInterceptors}; it runs only when a statement has already failed, so it costs
 * nothing on the normal path.
 * <ul>
 * <li>MySQL's read-only errors become a message that says what happened: the work was routed to a
 * read-only replica, which one, and why. The error code and SQL state stay MySQL's, so exception
 * translation still sees a read-only violation.</li>
 * <li>A lost connection (SQL state {@code 08...}) takes the replica out of rotation at once,
 * through {@link ConnectionFailureSignals}, instead of at its next check: the pool may hold more
 * connections to the dead server that it would hand out unchecked.</li>
 * </ul>
 */
public class ReadOnlyRouteExceptionInterceptor implements ExceptionInterceptor {

	/** Connection property carrying the replica's node name. */
	public static final String NODE_PROPERTY = "rwsplitNode";

	/** {@code ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION}: the session is read-only. */
	static final int ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION = 1792;

	/** {@code ER_OPTION_PREVENTS_STATEMENT}: the server runs with (super_)read_only. */
	static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

	/** How Connector/J words its own refusal of a write on a read-only connection. */
	static final String CLIENT_READ_ONLY_MESSAGE = "Connection is read-only.";

	private String node = "(unknown)";

	private String router;

	@Override
	public ExceptionInterceptor init(Properties properties, Log log) {
		String configured = properties.getProperty(NODE_PROPERTY);
		if (configured != null) {
			this.node = configured;
		}
		this.router = properties.getProperty(ConnectionFailureSignals.ROUTER_PROPERTY);
		return this;
	}

	@Override
	public void destroy() {
	}

	@Override
	public Exception interceptException(Exception exception) {
		if (exception instanceof SQLException lost && lost.getSQLState() != null && lost.getSQLState().startsWith("08")) {
			ConnectionFailureSignals.connectionLost(this.router, this.node, lost);
			return exception;
		}
		if (exception instanceof SQLException sqlException && isReadOnlyViolation(sqlException)
				&& !sqlException.getMessage().startsWith("rwsplit:")) {
			RoutingDiagnostics.writeOnReplica(this.node);
			RouteReason reason = ReadWriteRoutingDataSource.lastRouteReason();
			return new SQLException("rwsplit: write refused on replica '" + this.node + "': this work was routed to a "
					+ "read-only replica (reason: " + ((reason != null) ? reason.tag() : "unknown") + "). Run writes in "
					+ "a read-write transaction, or under @Primary. Nothing was written. MySQL said: "
					+ sqlException.getMessage(), sqlException.getSQLState(), sqlException.getErrorCode(), sqlException);
		}
		return exception;
	}

	static boolean isReadOnlyViolation(SQLException exception) {
		int code = exception.getErrorCode();
		String message = exception.getMessage();
		if (message == null) {
			return false;
		}
		// Connector/J refuses executeUpdate() on a read-only connection itself, before the server
		// sees the statement; the server refuses what reaches it with one of two errors.
		return code == ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
				|| (code == ER_OPTION_PREVENTS_STATEMENT && message.contains("read-only"))
				|| (code == 0 && message.startsWith(CLIENT_READ_ONLY_MESSAGE));
	}

}
