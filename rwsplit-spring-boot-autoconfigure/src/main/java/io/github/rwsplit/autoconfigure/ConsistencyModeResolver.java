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
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ConsistencySettings;
import io.github.rwsplit.routing.JdbcUrls;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;

/**
 * Turns {@code rwsplit.consistency.*} into the router's settings. {@code auto} becomes {@code gtid}
 * when the primary reports {@code gtid_mode=ON} and {@code pin} otherwise. With the lag monitor on
 * (the default), the answer comes from the monitor's first good check of the primary, which runs
 * before the application takes traffic and again at every check until one succeeds: a primary
 * that is slow or down at start-up no longer leaves {@code pin} in place until restart. Until
 * then reads use {@code pin}, which is always correct. Every failed attempt is logged with its
 * cause; the effective mode and why show in the endpoint, health and start-up report.
 *
 * <p>Without the monitor, the primary is asked once, here, within two seconds.
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
			case AUTO -> ConsistencyMode.PIN;
		};
		String reason = ConsistencySettings.CONFIGURED;
		if (consistency.getMode() == RwsplitProperties.Consistency.Mode.AUTO) {
			if (properties.getMonitor().isEnabled()) {
				reason = UNRESOLVED;
			}
			else {
				String[] asked = askPrimary(properties);
				mode = (asked[0] != null) ? resolved(asked[0]) : ConsistencyMode.PIN;
				reason = (asked[0] != null) ? resolvedReason(asked[0])
						: "auto: could not ask the primary (" + asked[1] + "), and without the lag monitor nothing asks "
								+ "again: pin until restart";
			}
		}
		// Pin's early release must allow for the monitor understating lag by up to one primary
		// interval, and for write times recorded up to the coalescing window early.
		Duration margin = properties.getMonitor()
			.getPrimaryInterval()
			.plusMillis(2 * ConsistencyContext.WRITE_COALESCING_MILLIS);
		return new ConsistencySettings(mode, consistency.getPinDuration(), consistency.getWaitTimeout(), margin, reason);
	}

	/** Why {@code auto} reads use pin before the monitor's first good check of the primary. */
	static final String UNRESOLVED = "auto: pin until the lag monitor reads the primary's gtid_mode";

	private static ConsistencyMode resolved(String gtidMode) {
		return "ON".equalsIgnoreCase(gtidMode) ? ConsistencyMode.GTID : ConsistencyMode.PIN;
	}

	private static String resolvedReason(String gtidMode) {
		return "auto: the primary reports gtid_mode=" + gtidMode;
	}

	/**
	 * Resolves {@code auto} from what the lag monitor reads from the primary.
	 * @param router the router whose mode it sets
	 * @param properties the settings, for the pin duration the warning names
	 * @return the listener to give the monitor
	 */
	static ReplicaLagMonitor.PrimaryGtidModeListener autoMode(ReadWriteRoutingDataSource router,
			RwsplitProperties properties) {
		return new ReplicaLagMonitor.PrimaryGtidModeListener() {

			private int failures;

			private String lastCause;

			@Override
			public void gtidModeRead(String gtidMode) {
				ConsistencySettings current = router.view().consistency();
				router.setConsistency(current.withMode(resolved(gtidMode), resolvedReason(gtidMode)));
				if (resolved(gtidMode) == ConsistencyMode.GTID) {
					logger.info("rwsplit: consistency.mode=auto resolved to gtid (the primary reports gtid_mode=ON"
							+ ((this.failures > 0) ? ", after " + this.failures + " failed attempt(s)" : "") + ")");
				}
				else {
					logger.warn("rwsplit: the primary does not have GTIDs (gtid_mode=" + gtidMode + "); read-your-writes "
							+ "uses pin mode: after a write, a session reads from the primary for "
							+ properties.getConsistency().getPinDuration().toMillis() + " ms");
				}
			}

			@Override
			public void gtidModeUnread(String cause) {
				this.failures++;
				String reason = "auto: pin until the lag monitor reads the primary's gtid_mode; attempt "
						+ this.failures + " failed: " + cause;
				router.setConsistency(router.view().consistency().withMode(ConsistencyMode.PIN, reason));
				// Every attempt is logged, but a primary down for an hour would write a warning per
				// primary-interval: a cause seen already goes to debug, a new one to warn.
				if (!cause.equals(this.lastCause)) {
					logger.warn("rwsplit: consistency.mode=auto cannot read the primary's gtid_mode yet (attempt "
							+ this.failures + "): " + cause + "; reads use pin mode until a check of the primary "
							+ "succeeds (set rwsplit.consistency.mode=gtid or pin to choose)");
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("rwsplit: consistency.mode=auto: attempt " + this.failures
							+ " to read the primary's gtid_mode failed: " + cause);
				}
				this.lastCause = cause;
			}

		};
	}

	/** @return the primary's gtid_mode and {@code null}, or {@code null} and why it could not be read */
	private static String[] askPrimary(RwsplitProperties properties) {
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
			return gtidMode(statement, properties);
		}
		catch (SQLException ex) {
			String cause = JdbcUrls.sanitize(firstLine(ex.getMessage()));
			if (password != null && !password.isEmpty()) {
				cause = cause.replace(password, "******");
			}
			logger.warn("rwsplit: could not ask the primary whether it has GTIDs (" + cause + "); read-your-writes "
					+ "uses pin mode until restart (set rwsplit.consistency.mode=gtid to choose)");
			return new String[] { null, cause };
		}
	}

	/** @return the primary's gtid_mode and {@code null} */
	private static String[] gtidMode(Statement statement, RwsplitProperties properties) throws SQLException {
		try (ResultSet rs = statement.executeQuery("SELECT @@global.gtid_mode")) {
			rs.next();
			String mode = rs.getString(1);
			if (!"ON".equalsIgnoreCase(mode)) {
				logger.warn("rwsplit: the primary does not have GTIDs (gtid_mode=" + mode + "); read-your-writes "
						+ "uses pin mode: after a write, a session reads from the primary for "
						+ properties.getConsistency().getPinDuration().toMillis() + " ms");
			}
			return new String[] { mode, null };
		}
	}

	private static String firstLine(String message) {
		String text = String.valueOf(message);
		int newline = text.indexOf('\n');
		return (newline < 0) ? text : text.substring(0, newline);
	}

}
