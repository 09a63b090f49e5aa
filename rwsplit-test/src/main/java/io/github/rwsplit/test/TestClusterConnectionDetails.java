package io.github.rwsplit.test;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.autoconfigure.RwsplitConnectionDetails;
import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.Credentials;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

/**
 * The shared test cluster's nodes, with the application account's login, for
 * {@link RwsplitTestCluster}.
 */
final class TestClusterConnectionDetails implements RwsplitConnectionDetails {

	private final Node primary;

	private final Map<String, Node> replicas;

	private TestClusterConnectionDetails(Node primary, Map<String, Node> replicas) {
		this.primary = primary;
		this.replicas = replicas;
	}

	static TestClusterConnectionDetails ofSharedCluster(String[] groups) {
		return of(SharedMySqlCluster.get(), groups);
	}

	static TestClusterConnectionDetails of(MySqlReplicationCluster cluster, String[] groups) {
		Map<String, String> groupOf = new HashMap<>();
		for (String entry : groups) {
			TestBeansRegistrar.NameAndGroup parsed = TestBeansRegistrar.NameAndGroup.parse(entry,
					"@RwsplitTestCluster(groups)", "");
			groupOf.put(parsed.name(), parsed.group());
		}
		Credentials app = cluster.appUser();
		Map<String, Node> replicas = new LinkedHashMap<>();
		for (ClusterNode replica : cluster.replicas()) {
			replicas.put(replica.name(),
					new Node(replica.jdbcUrl(), app.username(), app.password(), groupOf.remove(replica.name())));
		}
		if (!groupOf.isEmpty()) {
			throw new IllegalArgumentException("@RwsplitTestCluster(groups) names replicas the test cluster does not have: "
					+ groupOf.keySet() + "; its replicas are " + replicas.keySet());
		}
		return new TestClusterConnectionDetails(Node.of(cluster.primary().jdbcUrl(), app.username(), app.password()),
				Collections.unmodifiableMap(replicas));
	}

	@Override
	public @Nullable Node primary() {
		return this.primary;
	}

	@Override
	public Map<String, Node> replicas() {
		return this.replicas;
	}

	@Override
	public String toString() {
		return "the shared test cluster: primary " + this.primary + ", replicas " + Set.copyOf(this.replicas.values());
	}

}
