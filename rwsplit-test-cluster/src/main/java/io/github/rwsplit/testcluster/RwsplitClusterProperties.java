package io.github.rwsplit.testcluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code rwsplit.*} application properties that describe a cluster, as an application's
 * {@code application.yml} would: shared credentials (the application account), the primary's URL
 * and one entry per replica under its node name.
 */
public final class RwsplitClusterProperties {

	private RwsplitClusterProperties() {
	}

	/**
	 * The properties for a cluster.
	 * @param cluster a running cluster
	 * @return property names to values, in a stable order
	 */
	public static Map<String, String> of(MySqlReplicationCluster cluster) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("rwsplit.username", cluster.appUser().username());
		properties.put("rwsplit.password", cluster.appUser().password());
		properties.put("rwsplit.primary.url", cluster.primary().jdbcUrl());
		for (ClusterNode replica : cluster.replicas()) {
			properties.put("rwsplit.replicas." + replica.name() + ".url", replica.jdbcUrl());
		}
		return properties;
	}

	/**
	 * The properties for a Group Replication group as it is now: its current primary as
	 * {@code rwsplit.primary.url} and every other member as a replica under its member name.
	 * @param group a running group
	 * @return property names to values, in a stable order
	 */
	public static Map<String, String> of(GroupReplicationCluster group) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("rwsplit.username", group.appUser().username());
		properties.put("rwsplit.password", group.appUser().password());
		List<ClusterNode> members = group.members();
		for (ClusterNode member : members) {
			if (member.isPrimary()) {
				properties.put("rwsplit.primary.url", member.jdbcUrl());
			}
		}
		if (!properties.containsKey("rwsplit.primary.url")) {
			throw new IllegalStateException("The group has no online primary now; states: " + group.memberStates());
		}
		for (ClusterNode member : members) {
			if (!member.isPrimary()) {
				properties.put("rwsplit.replicas." + member.name() + ".url", member.jdbcUrl());
			}
		}
		return properties;
	}

}
