package io.github.rwsplit.monitor;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.Properties;

import io.github.rwsplit.routing.JdbcUrls;

/**
 * One node as the monitor reaches it: its own single connection, opened on demand with the same
 * driver properties as the node's pool and dropped after any failure, with connect and socket
 * timeouts that bound every network wait of a check. A failure to connect that comes from the
 * node's own settings is thrown as a {@link MisconfiguredNodeException}. Used by one monitor thread at a time (checks
 * of a node synchronize on it); refuses to connect once closed.
 */
final class MonitoredNode {

	private final String name;

	private final String url;

	private final String password;

	private final Properties properties = new Properties();

	private Connection connection;

	private boolean closed;

	MonitoredNode(String name, String url, String username, String password, Properties driverProperties,
			Duration timeout) {
		this.name = name;
		this.url = url;
		this.password = password;
		this.properties.putAll(driverProperties);
		if (username != null) {
			this.properties.setProperty("user", username);
		}
		if (password != null) {
			this.properties.setProperty("password", password);
		}
		String millis = Long.toString(Math.max(1, timeout.toMillis()));
		this.properties.setProperty("connectTimeout", millis);
		this.properties.setProperty("socketTimeout", millis);
	}

	String name() {
		return this.name;
	}

	synchronized Connection connection() throws SQLException {
		if (this.closed) {
			throw new SQLNonTransientConnectionException("the monitor is stopped", "08003");
		}
		if (this.connection == null) {
			try {
				this.connection = DriverManager.getConnection(this.url, this.properties);
			}
			catch (SQLException | RuntimeException ex) {
				Misconfiguration problem = Misconfiguration.of(ex, this::describe);
				if (problem != null) {
					throw new MisconfiguredNodeException(problem, ex);
				}
				throw ex;
			}
		}
		return this.connection;
	}

	/** Drops the connection; the next check opens a new one. */
	synchronized void reset() {
		Connection current = this.connection;
		this.connection = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (SQLException ex) {
				// Already broken; nothing to release.
			}
		}
	}

	/** Drops the connection for good. */
	synchronized void close() {
		this.closed = true;
		reset();
	}

	/**
	 * A failure's first line, safe to log or show: URLs sanitized and the node's password masked,
	 * whatever the driver put in its message.
	 */
	String describe(Throwable failure) {
		String message = String.valueOf(failure.getMessage());
		int newline = message.indexOf('\n');
		String line = JdbcUrls.sanitize((newline < 0) ? message : message.substring(0, newline));
		return (this.password != null && !this.password.isEmpty()) ? line.replace(this.password, "******") : line;
	}

	@Override
	public String toString() {
		return this.name + " (" + JdbcUrls.sanitize(this.url) + ")";
	}

}
