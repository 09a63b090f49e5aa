package io.github.rwsplit.autoconfigure;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.github.rwsplit.routing.JdbcUrls;

/**
 * Checks {@link RwsplitProperties} before any pool is created, so that a mistake stops start-up
 * with the property's name instead of surfacing later as a misrouted read.
 */
final class RwsplitPropertiesValidator {

	/** Node and group names end up in pool names, metric tags and endpoint paths. */
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	static final String PRIMARY_NAME = "primary";

	private RwsplitPropertiesValidator() {
	}

	static void validate(RwsplitProperties properties) {
		String primaryUrl = properties.getPrimary().getUrl();
		if (primaryUrl == null || primaryUrl.isBlank()) {
			throw new RwsplitConfigurationException("rwsplit.primary.url", "no primary URL is configured",
					"Set rwsplit.primary.url to the JDBC URL of the primary, such as jdbc:mysql://db-primary:3306/app.");
		}
		checkName("rwsplit.default-group", properties.getDefaultGroup(), "group");
		Map<String, String> seen = new HashMap<>();
		seen.put(PRIMARY_NAME, "rwsplit.primary");
		Set<String> groups = new TreeSet<>();
		for (Map.Entry<String, RwsplitProperties.Replica> entry : properties.getReplicas().entrySet()) {
			String name = entry.getKey();
			String prefix = "rwsplit.replicas." + name;
			RwsplitProperties.Replica replica = entry.getValue();
			checkName(prefix, name, "replica name");
			String clash = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), prefix);
			if (clash != null) {
				throw new RwsplitConfigurationException(prefix, "the node name '" + name + "' is already used by " + clash
						+ " (names are compared ignoring case)", "Give every node a distinct name.");
			}
			if (replica.getUrl() == null || replica.getUrl().isBlank()) {
				throw new RwsplitConfigurationException(prefix + ".url", "replica '" + name + "' has no URL",
						"Set " + prefix + ".url to the replica's JDBC URL.");
			}
			if (JdbcUrls.sameServer(replica.getUrl(), primaryUrl)) {
				throw new RwsplitConfigurationException(prefix + ".url",
						"replica '" + name + "' has the primary's URL (" + JdbcUrls.sanitize(replica.getUrl()) + ")",
						"Point " + prefix + ".url at the replica, not at the primary.");
			}
			if (replica.getWeight() < 0) {
				throw new RwsplitConfigurationException(prefix + ".weight",
						"weight " + replica.getWeight() + " of replica '" + name + "' is negative",
						"Use a weight of 0 or more (0: no reads while other replicas can take them).");
			}
			String group = groupOf(properties, replica);
			checkName(prefix + ".group", group, "group");
			groups.add(group);
		}
		if (!groups.isEmpty() && !groups.contains(properties.getDefaultGroup())) {
			throw new RwsplitConfigurationException("rwsplit.default-group",
					"the default group '" + properties.getDefaultGroup() + "' has no replicas; groups are " + groups,
					"Set rwsplit.default-group to one of " + groups + ", or put a replica in group '"
							+ properties.getDefaultGroup() + "'.");
		}
	}

	static String groupOf(RwsplitProperties properties, RwsplitProperties.Replica replica) {
		String group = replica.getGroup();
		return (group == null || group.isBlank()) ? properties.getDefaultGroup() : group;
	}

	private static void checkName(String property, String name, String what) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new RwsplitConfigurationException(property, "the " + what + " '" + name + "' is not a valid name",
					"Use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
		}
	}

}
