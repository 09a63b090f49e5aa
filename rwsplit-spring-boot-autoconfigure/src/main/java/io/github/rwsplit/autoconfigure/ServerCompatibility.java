package io.github.rwsplit.autoconfigure;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.rwsplit.RwsplitConfigurationException;

/**
 * Which servers rwsplit works with, judged from the version a server reports: MySQL 8.0 or later.
 * MariaDB speaks the same protocol but lacks what every pooled connection sets
 * ({@code session_track_gtids}, MySQL's {@code transaction_read_only} before 11.1) and has another
 * GTID format, so without this check it fails each connection long after start-up.
 */
final class ServerCompatibility {

	/** The oldest MySQL rwsplit supports, as the README and docs/development.md state it. */
	static final int MINIMUM_MAJOR = 8;

	private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

	private ServerCompatibility() {
	}

	/**
	 * @param node how to name the node, such as {@code the primary}
	 * @param property the property that points at it
	 * @param version what the server reports ({@code DatabaseMetaData.getDatabaseProductVersion()}
	 * or {@code SELECT VERSION()})
	 * @throws RwsplitConfigurationException when the server is not supported
	 */
	static void check(String node, String property, String version) {
		if (version == null) {
			return;
		}
		String action = "Point " + property + " at MySQL 8.0 or later; MariaDB is not supported yet.";
		if (version.toLowerCase(Locale.ROOT).contains("mariadb")) {
			throw new RwsplitConfigurationException(property, node + " is MariaDB (" + version + "), which rwsplit does "
					+ "not support: it lacks session_track_gtids, which every primary connection sets, and MySQL's GTIDs",
					action);
		}
		Matcher matcher = VERSION.matcher(version);
		if (matcher.find() && Integer.parseInt(matcher.group(1)) < MINIMUM_MAJOR) {
			throw new RwsplitConfigurationException(property,
					node + " runs MySQL " + version + ", older than 8.0, the oldest rwsplit supports", action);
		}
	}

}
