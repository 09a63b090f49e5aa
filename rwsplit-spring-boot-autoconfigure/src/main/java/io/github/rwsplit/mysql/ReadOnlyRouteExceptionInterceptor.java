package io.github.rwsplit.mysql;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;

import com.mysql.cj.exceptions.ExceptionInterceptor;
import com.mysql.cj.log.Log;

import io.github.rwsplit.routing.ConnectionFailureSignals;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RouteReason;
import io.github.rwsplit.routing.RoutingDiagnostics;

/**
 * Watches failures on the connections of rwsplit's pools, installed through Connector/J's
 * {@code exceptionInterceptors}; it runs only when a statement has already failed, so it costs
 * nothing on the normal path. What a failure means depends on the role of the pool the connection
 * belongs to ({@value #ROLE_PROPERTY}).
 *
 * <p>On a replica connection (the default role):
 * <ul>
 * <li>MySQL's read-only errors become a message that says what happened: the work was routed to a
 * read-only replica, which one, and why. The error code and SQL state stay MySQL's, so exception
 * translation still sees a read-only violation.</li>
 * <li>A lost connection (SQL state {@code 08...}) takes the replica out of rotation at once,
 * through {@link ConnectionFailureSignals}, instead of at its next check: the pool may hold more
 * connections to the dead server that it would hand out unchecked.</li>
 * </ul>
 * On a primary connection:
 * <ul>
 * <li>The server refusing a statement because it runs read-only (error 1290 about
 * {@code --read-only}/{@code --super-read-only}) means the node is no longer the primary: the
 * router's listener is told, so that the roles are checked again at once, and the exception
 * becomes a {@link SQLTransientConnectionException} (Spring: a {@code TransientDataAccessResourceException},
 * which retry libraries retry) that says so, keeping MySQL's code and SQL state. The
 * statement changed nothing, so the work can run again. A refusal because the <em>transaction</em>
 * is read-only (1792, or Connector/J's own check) says nothing about the server's role and is left
 * as it is.</li>
 * <li>A lost connection asks for the same immediate re-check; the exception is left as it is.</li>
 * </ul>
 * Not responsible for deciding anything: the monitor and the router act on the signals.
 */
public class ReadOnlyRouteExceptionInterceptor implements ExceptionInterceptor {

	/** Connection property carrying the node's name. */
	public static final String NODE_PROPERTY = "rwsplitNode";

	/** Connection property carrying the role of the connection's pool: {@value #PRIMARY_ROLE} or {@value #REPLICA_ROLE}. */
	public static final String ROLE_PROPERTY = "rwsplitRole";

	/** The role of a pool that takes writes. */
	public static final String PRIMARY_ROLE = "primary";

	/** The role of a pool that serves reads only; assumed when no role is given. */
	public static final String REPLICA_ROLE = "replica";

	/** {@code ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION}: the session is read-only. */
	static final int ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION = 1792;

	/** {@code ER_OPTION_PREVENTS_STATEMENT}: the server runs with (super_)read_only. */
	static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

	/** How Connector/J words its own refusal of a write on a read-only connection. */
	static final String CLIENT_READ_ONLY_MESSAGE = "Connection is read-only.";

	/** Every message rwsplit rewrote starts so: the driver may pass one exception through here twice. */
	private static final String REWRITTEN = "rwsplit:";

	private String node = "(unknown)";

	private String router;

	private boolean primaryRole;

	@Override
	public ExceptionInterceptor init(Properties properties, Log log) {
		String configured = properties.getProperty(NODE_PROPERTY);
		if (configured != null) {
			this.node = configured;
		}
		this.router = properties.getProperty(ConnectionFailureSignals.ROUTER_PROPERTY);
		this.primaryRole = PRIMARY_ROLE.equals(properties.getProperty(ROLE_PROPERTY));
		return this;
	}

	@Override
	public void destroy() {
	}

	@Override
	public Exception interceptException(Exception exception) {
		if (!(exception instanceof SQLException sqlException)) {
			return exception;
		}
		if (sqlException.getSQLState() != null && sqlException.getSQLState().startsWith("08")) {
			ConnectionFailureSignals.connectionLost(this.router, this.node, sqlException);
			return exception;
		}
		return this.primaryRole ? onPrimary(sqlException) : onReplica(sqlException);
	}

	private SQLException onReplica(SQLException exception) {
		if (isReadOnlyViolation(exception) && !exception.getMessage().startsWith(REWRITTEN)) {
			RoutingDiagnostics.writeOnReplica(this.node);
			RouteReason reason = ReadWriteRoutingDataSource.lastRouteReason();
			return new SQLException("rwsplit: write refused on replica '" + this.node + "': this work was routed to a "
					+ "read-only replica (reason: " + ((reason != null) ? reason.tag() : "unknown") + "). Run writes in "
					+ "a read-write transaction, or under @Primary. Nothing was written. MySQL said: "
					+ exception.getMessage(), exception.getSQLState(), exception.getErrorCode(), exception);
		}
		return exception;
	}

	private SQLException onPrimary(SQLException exception) {
		if (isServerReadOnly(exception) && !exception.getMessage().startsWith(REWRITTEN)) {
			ConnectionFailureSignals.primaryReadOnly(this.router, this.node, exception);
			return new SQLTransientConnectionException("rwsplit: '" + this.node + "' no longer accepts writes: it is read-only "
					+ "now, so the primary has probably changed; rwsplit re-checks the roles at once and sends new work "
					+ "to the new primary. This statement changed nothing; the transaction cannot commit here, so run it "
					+ "again from the start. MySQL said: " + exception.getMessage(),
					exception.getSQLState(), exception.getErrorCode(), exception);
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
		return code == ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION || isServerReadOnly(exception)
				|| (code == 0 && message.startsWith(CLIENT_READ_ONLY_MESSAGE));
	}

	/**
	 * Whether the server refused the statement because it runs read-only. 1290 also covers other
	 * options ({@code --secure-file-priv}, {@code --skip-grant-tables}), hence the look at the text.
	 */
	static boolean isServerReadOnly(SQLException exception) {
		String message = exception.getMessage();
		return exception.getErrorCode() == ER_OPTION_PREVENTS_STATEMENT && message != null
				&& message.contains("read-only");
	}

}
