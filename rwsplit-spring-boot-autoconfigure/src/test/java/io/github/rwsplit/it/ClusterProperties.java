package io.github.rwsplit.it;

import java.util.ArrayList;
import java.util.List;

import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;

/**
 * The {@code rwsplit.*} properties that describe a test cluster, as an application would write
 * them.
 */
final class ClusterProperties {

	private ClusterProperties() {
	}

	static List<String> of(MySqlReplicationCluster cluster, String... extra) {
		List<String> properties = new ArrayList<>();
		properties.add("rwsplit.username=" + cluster.appUser().username());
		properties.add("rwsplit.password=" + cluster.appUser().password());
		properties.add("rwsplit.primary.url=" + cluster.primary().jdbcUrl());
		for (ClusterNode replica : cluster.replicas()) {
			properties.add("rwsplit.replicas." + replica.name() + ".url=" + replica.jdbcUrl());
		}
		properties.addAll(List.of(extra));
		return properties;
	}

}
