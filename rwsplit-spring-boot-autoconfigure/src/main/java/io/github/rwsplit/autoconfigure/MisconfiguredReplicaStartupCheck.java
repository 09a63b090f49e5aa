package io.github.rwsplit.autoconfigure;

import java.util.Map;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.monitor.Misconfiguration;
import io.github.rwsplit.monitor.MisconfiguredReplicaListener;
import io.github.rwsplit.routing.JdbcUrls;

/**
 * {@code rwsplit.startup.fail-on-misconfigured-replica}: stops start-up when the lag monitor's
 * first round, before traffic, finds a replica whose login, URL or driver property is refused,
 * naming the setting to fix under rwsplit's one credential precedence ({@link NodeCredentials}).
 * Off (the default), the replica stays out of rotation as {@code MISCONFIGURED} until a check
 * succeeds. Without the monitor nothing checks replicas at start-up, so this does nothing.
 */
final class MisconfiguredReplicaStartupCheck implements MisconfiguredReplicaListener {

	private static final String SETTING = "rwsplit.startup.fail-on-misconfigured-replica";

	private final RwsplitProperties properties;

	private MisconfiguredReplicaStartupCheck(RwsplitProperties properties) {
		this.properties = properties;
	}

	static MisconfiguredReplicaListener of(RwsplitProperties properties) {
		return properties.getStartup().isFailOnMisconfiguredReplica() ? new MisconfiguredReplicaStartupCheck(properties)
				: MisconfiguredReplicaListener.NONE;
	}

	@Override
	public void misconfiguredAtStartup(String replica, Misconfiguration problem) {
		RwsplitProperties.Node node = this.properties.getReplicas().get(replica);
		if (node == null) {
			return;
		}
		String setting = setting(replica, node, problem);
		String fix = switch (problem.kind()) {
			case LOGIN -> "Correct " + setting + " (or the user it goes with), or the account on the server.";
			case SCHEMA -> "Correct the schema in " + setting + ", or grant the account access to it.";
			case DRIVER_PROPERTY -> "Correct or remove " + setting + "; Connector/J's documentation lists the values it accepts.";
			case URL -> "Correct " + setting + ", such as jdbc:mysql://db-replica-1:3306/app.";
		};
		throw new RwsplitConfigurationException(setting,
				"replica '" + replica + "' (" + JdbcUrls.sanitize(node.getUrl()) + ") is misconfigured: "
						+ problem.describe(),
				fix + " To start with the replica out of rotation instead (it returns once a check succeeds), set "
						+ SETTING + "=false.");
	}

	/** The setting the value at fault came from. */
	private String setting(String replica, RwsplitProperties.Node node, Misconfiguration problem) {
		String prefix = "rwsplit.replicas." + replica;
		return switch (problem.kind()) {
			case LOGIN -> loginSetting(prefix, node);
			case DRIVER_PROPERTY -> driverPropertySetting(prefix, node, problem.driverProperty());
			case SCHEMA, URL -> prefix + ".url";
		};
	}

	private String loginSetting(String prefix, RwsplitProperties.Node node) {
		if (this.properties.getMonitor().getUsername() != null) {
			// The monitor's own account was refused, not necessarily the pool's.
			return "rwsplit.monitor.password";
		}
		if (node.getUrl() != null && JdbcUrls.hasPassword(node.getUrl())) {
			return prefix + ".url";
		}
		if (node.getPassword() == null && this.properties.getPassword() != null) {
			return "rwsplit.password";
		}
		return prefix + ".password";
	}

	private String driverPropertySetting(String prefix, RwsplitProperties.Node node, String property) {
		if (property != null) {
			String own = key(node.getPool().getDataSourceProperties(), property);
			if (own != null) {
				return prefix + ".pool.data-source-properties." + own;
			}
			String shared = key(this.properties.getPool().getDataSourceProperties(), property);
			if (shared != null) {
				return "rwsplit.pool.data-source-properties." + shared;
			}
		}
		return prefix + ".url";
	}

	/** Connector/J reads property names case-insensitively; the key as the user wrote it. */
	private static String key(Map<String, String> properties, String property) {
		for (String key : properties.keySet()) {
			if (key.equalsIgnoreCase(property)) {
				return key;
			}
		}
		return null;
	}

}
