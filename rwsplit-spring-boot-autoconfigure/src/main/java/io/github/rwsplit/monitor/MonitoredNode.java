package io.github.rwsplit.monitor;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import io.github.rwsplit.routing.JdbcUrls;

/**
 * One node as the monitor reaches it: its own single connection, opened on demand and dropped
 * after any failure, with connect and socket timeouts that bound every check. Used by one
 * monitor thread at a time.
 */
final class MonitoredNode {

	private final String name;

	private final String url;

	private final Properties properties = new Properties();

	private Connection connection;

	MonitoredNode(String name, String url, String username, String password, Duration timeout) {
		this.name = name;
		this.url = url;
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

	Connection connection() throws SQLException {
		if (this.connection == null) {
			this.connection = DriverManager.getConnection(this.url, this.properties);
		}
		return this.connection;
	}

	/** Drops the connection; the next check opens a new one. */
	void reset() {
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

	@Override
	public String toString() {
		return this.name + " (" + JdbcUrls.sanitize(this.url) + ")";
	}

}
