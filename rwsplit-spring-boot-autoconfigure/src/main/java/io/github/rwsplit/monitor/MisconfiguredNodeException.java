package io.github.rwsplit.monitor;

import java.sql.SQLException;

/**
 * The monitor could not connect to a node because of the node's own settings. Keeps the driver's
 * message, SQL state and error code, so that code that does not look for it sees the failure it
 * always saw.
 */
final class MisconfiguredNodeException extends SQLException {

	private static final long serialVersionUID = 1L;

	private final transient Misconfiguration problem;

	MisconfiguredNodeException(Misconfiguration problem, Throwable failure) {
		super(failure.getMessage(), (failure instanceof SQLException sql) ? sql.getSQLState() : null,
				(failure instanceof SQLException sql) ? sql.getErrorCode() : 0, failure);
		this.problem = problem;
	}

	Misconfiguration problem() {
		return this.problem;
	}

}
