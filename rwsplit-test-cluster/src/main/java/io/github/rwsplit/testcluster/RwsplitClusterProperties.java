package io.github.rwsplit.testcluster;

import java.util.LinkedHashMap;
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

}
