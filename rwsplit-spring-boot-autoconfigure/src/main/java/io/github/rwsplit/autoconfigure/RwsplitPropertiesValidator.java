package io.github.rwsplit.autoconfigure;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.github.rwsplit.RwsplitConfigurationException;
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

	static void validateFallback(RwsplitProperties.Fallback fallback) {
		if (fallback.getWaitTimeout() == null || fallback.getWaitTimeout().isNegative()) {
			throw new RwsplitConfigurationException("rwsplit.fallback.wait-timeout",
					"wait timeout " + fallback.getWaitTimeout() + " is negative", "Use a duration of 0 or more, such as 1s.");
		}
		if (fallback.getMaxPrimaryReads() != null && fallback.getMaxPrimaryReads() < 1) {
			throw new RwsplitConfigurationException("rwsplit.fallback.max-primary-reads",
					"max-primary-reads " + fallback.getMaxPrimaryReads() + " is less than 1",
					"Use 1 or more, or the policy fail to keep reads off the primary entirely.");
		}
		if (fallback.getCheckoutRetries() < 0) {
			throw new RwsplitConfigurationException("rwsplit.fallback.checkout-retries",
					"checkout-retries " + fallback.getCheckoutRetries() + " is negative", "Use 0 or more.");
		}
	}

	private static final Pattern FUNCTION = Pattern.compile("([A-Za-z0-9_$]{1,64}\\.)?[A-Za-z0-9_$]{1,64}");

	static void validateRouting(RwsplitProperties.Routing routing) {
		if (routing.getAutocommitReads() == null) {
			throw new RwsplitConfigurationException("rwsplit.routing.autocommit-reads", "it is empty",
					"Use primary or replica.");
		}
		if (routing.getStatementCacheSize() < 0) {
			throw new RwsplitConfigurationException("rwsplit.routing.statement-cache-size",
					"statement cache size " + routing.getStatementCacheSize() + " is negative", "Use 0 or more.");
		}
		for (String function : routing.getReadOnlyFunctions()) {
			if (function == null || !FUNCTION.matcher(function.trim()).matches()) {
				throw new RwsplitConfigurationException("rwsplit.routing.read-only-functions",
						"'" + function + "' is not a function name",
						"List stored functions as name or schema.name, such as score or app.score.");
			}
		}
	}

	static void validateBalancing(RwsplitProperties properties) {
		RwsplitProperties.Balancing balancing = properties.getBalancing();
		if (balancing.getSlowStart() == null || balancing.getSlowStart().isNegative()) {
			throw new RwsplitConfigurationException("rwsplit.balancing.slow-start",
					"slow start " + balancing.getSlowStart() + " is negative", "Use 0 for none, or a duration such as 30s.");
		}
		if (!positive(balancing.getResponseTimeWindow())) {
			throw new RwsplitConfigurationException("rwsplit.balancing.response-time-window",
					"response-time window " + balancing.getResponseTimeWindow() + " is not positive",
					"Use a duration such as 10s.");
		}
		Integer maxWaits = properties.getConsistency().getMaxWaitsPerReplica();
		if (maxWaits != null && maxWaits < 1) {
			throw new RwsplitConfigurationException("rwsplit.consistency.max-waits-per-replica",
					"at most " + maxWaits + " waits per replica would refuse every wait",
					"Use at least 1, or leave it unset for half of each replica pool's maximum size.");
		}
		RwsplitProperties.WriteBarrier barrier = properties.getWriteBarrier();
		if (barrier.getTimeout() == null || barrier.getTimeout().isNegative()) {
			throw new RwsplitConfigurationException("rwsplit.write-barrier.timeout",
					"write-barrier timeout " + barrier.getTimeout() + " is negative", "Use a duration such as 2s.");
		}
		if (barrier.getOnTimeout() == null
				|| barrier.getOnTimeout() == io.github.rwsplit.barrier.BarrierTimeoutPolicy.DEFAULT) {
			throw new RwsplitConfigurationException("rwsplit.write-barrier.on-timeout",
					"'default' is for annotations that defer to this setting; the setting itself must choose",
					"Use fail or warn.");
		}
	}

	static void validateTopology(RwsplitProperties.Topology topology) {
		java.time.Duration timeout = topology.getAwaitPrimaryTimeout();
		if (timeout == null || timeout.isNegative()) {
			throw new RwsplitConfigurationException("rwsplit.topology.await-primary-timeout",
					(timeout == null) ? "it is empty" : "await-primary timeout " + timeout + " is negative",
					"Use a duration such as 3s, or 0 to fail new writes at once while no writable primary is known.");
		}
		String template = topology.getMemberUrlTemplate();
		if (template != null && (!template.startsWith("jdbc:mysql://") || !template.contains("{host}"))) {
			throw new RwsplitConfigurationException("rwsplit.topology.member-url-template",
					"'" + io.github.rwsplit.routing.JdbcUrls.sanitize(template)
							+ "' is not a jdbc:mysql:// URL with a {host} placeholder",
					"Use a URL such as jdbc:mysql://{host}:{port}/app, where rwsplit puts each discovered member's host"
							+ " and port; or remove the setting to discover no member.");
		}
		if (template != null && !topology.isFollowPrimary()) {
			throw new RwsplitConfigurationException("rwsplit.topology.member-url-template",
					"members are discovered only while rwsplit follows the primary, and rwsplit.topology.follow-primary"
							+ " is false",
					"Remove rwsplit.topology.member-url-template, or set rwsplit.topology.follow-primary=true.");
		}
	}

	private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_$]{1,64}(\\.[A-Za-z0-9_$]{1,64})?");

	static void validateMonitor(RwsplitProperties.Monitor monitor) {
		if (!positive(monitor.getInterval())) {
			throw new RwsplitConfigurationException("rwsplit.monitor.interval",
					"interval " + monitor.getInterval() + " is not positive", "Use a duration such as 1s.");
		}
		if (!positive(monitor.getCheckTimeout()) || monitor.getCheckTimeout().compareTo(monitor.getInterval()) >= 0) {
			throw new RwsplitConfigurationException("rwsplit.monitor.check-timeout",
					"check timeout " + monitor.getCheckTimeout() + " is not shorter than the interval "
							+ monitor.getInterval(),
					"Make rwsplit.monitor.check-timeout positive and shorter than rwsplit.monitor.interval, so that a "
							+ "hung check never overlaps the next.");
		}
		if (!positive(monitor.getPrimaryInterval())) {
			throw new RwsplitConfigurationException("rwsplit.monitor.primary-interval",
					"primary interval " + monitor.getPrimaryInterval() + " is not positive", "Use a duration such as 250ms.");
		}
		if (!positive(monitor.getMaxLag())) {
			throw new RwsplitConfigurationException("rwsplit.monitor.max-lag",
					"max-lag " + monitor.getMaxLag() + " is not positive", "Use a duration such as 1s.");
		}
		if (monitor.getRecoveryLag() != null && (monitor.getRecoveryLag().isNegative()
				|| monitor.getRecoveryLag().compareTo(monitor.getMaxLag()) > 0)) {
			throw new RwsplitConfigurationException("rwsplit.monitor.recovery-lag",
					"recovery lag " + monitor.getRecoveryLag() + " is not between 0 and max-lag " + monitor.getMaxLag(),
					"Use a duration below rwsplit.monitor.max-lag, or leave it unset for half of it.");
		}
		if (monitor.getRecoveryChecks() < 1) {
			throw new RwsplitConfigurationException("rwsplit.monitor.recovery-checks",
					"recovery-checks " + monitor.getRecoveryChecks() + " is less than 1", "Use 1 or more.");
		}
		if (monitor.getHeartbeatTable() == null || !TABLE.matcher(monitor.getHeartbeatTable()).matches()) {
			throw new RwsplitConfigurationException("rwsplit.monitor.heartbeat-table",
					"'" + monitor.getHeartbeatTable() + "' is not a table name",
					"Use a plain table name, optionally schema-qualified, such as rwsplit_heartbeat or ops.rwsplit_heartbeat.");
		}
	}

	private static boolean positive(java.time.Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
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
