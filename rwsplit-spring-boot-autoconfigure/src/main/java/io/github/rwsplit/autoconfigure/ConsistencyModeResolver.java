package io.github.rwsplit.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.routing.ConsistencySettings;

/**
 * Turns {@code rwsplit.consistency.*} into the router's settings, resolving {@code auto} by asking
 * the primary whether it has GTIDs: {@code gtid} if so, {@code pin} (with one warning) if not, and
 * {@code pin} when the primary cannot be asked within two seconds, since pin is always correct.
 */
final class ConsistencyModeResolver {

	private static final Log logger = LogFactory.getLog(ConsistencyModeResolver.class);

	private ConsistencyModeResolver() {
	}

	static ConsistencySettings settings(RwsplitProperties properties) {
		RwsplitProperties.Consistency consistency = properties.getConsistency();
		if (consistency.getWaitTimeout() == null || consistency.getWaitTimeout().toMillis() < 1) {
			throw new RwsplitConfigurationException("rwsplit.consistency.wait-timeout",
					"wait timeout " + consistency.getWaitTimeout() + " is shorter than 1 ms",
					"Use 1ms or more (MySQL's WAIT_FOR_EXECUTED_GTID_SET waits for ever on 0); 1s is the default.");
		}
		if (consistency.getPinDuration() == null || consistency.getPinDuration().isNegative()) {
			throw new RwsplitConfigurationException("rwsplit.consistency.pin-duration",
					"pin duration " + consistency.getPinDuration() + " is negative", "Use 0 or more, such as 5s.");
		}
		ConsistencyMode mode = switch (consistency.getMode()) {
			case EVENTUAL -> ConsistencyMode.EVENTUAL;
			case PIN -> ConsistencyMode.PIN;
			case GTID -> ConsistencyMode.GTID;
			case GLOBAL -> ConsistencyMode.GLOBAL;
			case AUTO -> primaryHasGtids(properties) ? ConsistencyMode.GTID : ConsistencyMode.PIN;
		};
		// Pin's early release must allow for the monitor understating lag by up to one primary
		// interval, and for write times recorded up to the coalescing window early.
		Duration margin = properties.getMonitor()
			.getPrimaryInterval()
			.plusMillis(2 * ConsistencyContext.WRITE_COALESCING_MILLIS);
		return new ConsistencySettings(mode, consistency.getPinDuration(), consistency.getWaitTimeout(), margin);
	}

	private static boolean primaryHasGtids(RwsplitProperties properties) {
		RwsplitProperties.Node primary = properties.getPrimary();
		Properties connection = new Properties();
		connection.putAll(properties.getPool().getDataSourceProperties());
		connection.putAll(primary.getPool().getDataSourceProperties());
		NodeCredentials credentials = NodeCredentials.of(properties, RwsplitPropertiesValidator.PRIMARY_NAME, primary);
		String username = credentials.poolUser();
		String password = credentials.poolPassword();
		if (username != null) {
			connection.setProperty("user", username);
		}
		if (password != null) {
			connection.setProperty("password", password);
		}
		String timeout = Long.toString(Duration.ofSeconds(2).toMillis());
		connection.setProperty("connectTimeout", timeout);
		connection.setProperty("socketTimeout", timeout);
		try (Connection con = DriverManager.getConnection(primary.getUrl(), connection);
				Statement statement = con.createStatement()) {
			// Asked here, on the one connection start-up makes, because an unsupported server otherwise
			// fails every pooled connection later with an unknown system variable.
			ServerCompatibility.check("the primary", "rwsplit.primary.url", con.getMetaData().getDatabaseProductVersion());
			return gtidModeOn(statement, properties);
		}
		catch (SQLException ex) {
			logger.warn("rwsplit: could not ask the primary whether it has GTIDs; read-your-writes uses pin mode until "
					+ "restart (set rwsplit.consistency.mode=gtid to choose)");
			return false;
		}
	}

	private static boolean gtidModeOn(Statement statement, RwsplitProperties properties) throws SQLException {
		try (ResultSet rs = statement.executeQuery("SELECT @@global.gtid_mode")) {
			rs.next();
			if ("ON".equalsIgnoreCase(rs.getString(1))) {
				return true;
			}
			logger.warn("rwsplit: the primary does not have GTIDs (gtid_mode=" + rs.getString(1) + "); read-your-writes "
					+ "uses pin mode: after a write, a session reads from the primary for "
					+ properties.getConsistency().getPinDuration().toMillis() + " ms");
			return false;
		}
	}

}
