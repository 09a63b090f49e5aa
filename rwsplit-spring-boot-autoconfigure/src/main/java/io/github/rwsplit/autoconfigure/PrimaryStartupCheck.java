package io.github.rwsplit.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.routing.JdbcUrls;

/**
 * Logs in to the primary once, bounded, before anything else at start-up needs it, so that a
 * primary that refuses is named at once with the server's answer, instead of surfacing 30 s later
 * as someone else's error (HikariCP's checkout timeout, then Hibernate's "Unable to determine
 * Dialect"). Fails start-up unless {@code rwsplit.startup.allow-primary-down} is set; then it
 * remembers why, for what must start differently without the primary (Hibernate).
 *
 * <p>Not a health check: once the application runs, the lag monitor watches the primary.
 */
public final class PrimaryStartupCheck {

	private static final Log logger = LogFactory.getLog(PrimaryStartupCheck.class);

	private final @Nullable String downReason;

	private PrimaryStartupCheck(String downReason) {
		this.downReason = downReason;
	}

	/** @return why the primary refused at start-up, or {@code null} when it answered or was not checked */
	public @Nullable String downReason() {
		return this.downReason;
	}

	static PrimaryStartupCheck run(RwsplitProperties properties) {
		RwsplitProperties.Startup startup = properties.getStartup();
		Duration timeout = startup.getPrimaryCheckTimeout();
		RwsplitProperties.Node primary = properties.getPrimary();
		if (timeout == null || timeout.isZero() || timeout.isNegative() || primary.getUrl() == null) {
			return new PrimaryStartupCheck(null);
		}
		String password = NodeCredentials.of(properties, RwsplitPropertiesValidator.PRIMARY_NAME, primary).poolPassword();
		String refusal = refusal(properties, primary, password, timeout);
		if (refusal == null) {
			return new PrimaryStartupCheck(null);
		}
		String where = "primary (" + JdbcUrls.sanitize(primary.getUrl()) + ")";
		if (!startup.isAllowPrimaryDown()) {
			throw new RwsplitConfigurationException("rwsplit.primary.url",
					where + " refused at start-up within " + timeout.toMillis() + " ms: " + refusal,
					"Start the primary, or correct rwsplit.primary.url and the credentials "
							+ "(rwsplit.username/password or rwsplit.primary.username/password). To start without it "
							+ "so that replicas serve reads, set rwsplit.startup.allow-primary-down=true (with JPA, also "
							+ "set spring.jpa.database-platform, since Hibernate cannot ask the primary for its dialect).");
		}
		logger.warn("rwsplit: " + where + " refused at start-up: " + refusal + "; starting anyway "
				+ "(rwsplit.startup.allow-primary-down=true): reads go to replicas, work that needs the primary fails "
				+ "until it answers");
		return new PrimaryStartupCheck(refusal);
	}

	/** @return the server's answer, without secrets, or {@code null} when the login worked */
	private static @Nullable String refusal(RwsplitProperties properties, RwsplitProperties.Node primary, String password,
			Duration timeout) {
		Properties connection = new Properties();
		connection.putAll(properties.getPool().getDataSourceProperties());
		connection.putAll(primary.getPool().getDataSourceProperties());
		String username = NodeCredentials.of(properties, RwsplitPropertiesValidator.PRIMARY_NAME, primary).poolUser();
		if (username != null) {
			connection.setProperty("user", username);
		}
		if (password != null) {
			connection.setProperty("password", password);
		}
		// The bound wins over the application's own driver timeouts: this check must stay short.
		String millis = Long.toString(Math.max(1, timeout.toMillis()));
		connection.setProperty("connectTimeout", millis);
		connection.setProperty("socketTimeout", millis);
		try (Connection checked = DriverManager.getConnection(primary.getUrl(), connection)) {
			// An unsupported server (MariaDB, MySQL before 8.0) would otherwise fail every pooled
			// connection later with an unknown system variable: say so now, whatever the mode.
			ServerCompatibility.check("the primary", "rwsplit.primary.url",
					checked.getMetaData().getDatabaseProductVersion());
			return null;
		}
		catch (SQLException ex) {
			String message = String.valueOf(ex.getMessage());
			int newline = message.indexOf('\n');
			String line = JdbcUrls.sanitize((newline < 0) ? message : message.substring(0, newline));
			if (password != null && !password.isEmpty()) {
				line = line.replace(password, "******");
			}
			return line + " (SQLState " + ex.getSQLState() + ", error " + ex.getErrorCode() + ")";
		}
	}

}
