package io.github.rwsplit.routing;

import java.sql.SQLException;

import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a failure of the connection (the server died, hung and was aborted, or killed the
 * session) from a failure of the work (bad SQL, a constraint, a lock wait, a statement timeout the
 * server enforced). Only the first says nothing about the work itself, so only the first may be
 * retried elsewhere. Looks through the causes Spring and the pool wrap around the driver's
 * exception; pure, no I/O.
 */
final class ConnectionFailures {

	/** {@code ER_CONNECTION_KILLED}: {@code KILL <connection>} on the server (SQL state 70100). */
	static final int ER_CONNECTION_KILLED = 1927;

	/** {@code CR_SERVER_GONE_ERROR}: the client's "MySQL server has gone away". */
	static final int CR_SERVER_GONE_ERROR = 2006;

	/** {@code CR_SERVER_LOST}: the client's "Lost connection to MySQL server during query". */
	static final int CR_SERVER_LOST = 2013;

	/** Deep enough for Spring's and the pool's wrappers; a cycle cannot loop for ever. */
	private static final int MAX_DEPTH = 12;

	private ConnectionFailures() {
	}

	/**
	 * @param failure what the work threw
	 * @return whether it, or something it wraps, is a connection-class failure: SQL state class
	 * {@code 08}, Connector/J's communications exceptions, a killed or lost connection
	 */
	static boolean isConnectionFailure(Throwable failure) {
		Throwable current = failure;
		for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
			if (current instanceof SQLException sql && isConnectionFailure(sql)) {
				return true;
			}
			if (current.getClass().getName().endsWith("CommunicationsException")) {
				// Connector/J's own (com.mysql.cj.exceptions.CJCommunicationsException and the JDBC one).
				return true;
			}
			if (current instanceof TransactionSystemException system && system.getApplicationException() != null
					&& system.getApplicationException() != current) {
				// A rollback that failed after the work failed: what the work met decides.
				return isConnectionFailure(system.getApplicationException());
			}
			Throwable cause = current.getCause();
			current = (cause == current) ? null : cause;
		}
		return false;
	}

	private static boolean isConnectionFailure(SQLException sql) {
		String state = sql.getSQLState();
		if (state != null && state.startsWith("08")) {
			return true;
		}
		int code = sql.getErrorCode();
		return code == ER_CONNECTION_KILLED || code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST;
	}

}
