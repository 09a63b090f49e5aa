package io.github.rwsplit.testcluster;

/**
 * One cluster (one primary, two replicas) per JVM, started on first use and closed when the JVM
 * exits, for every test that leaves the cluster intact. Tests that kill nodes, stop replication,
 * delay replicas or change the primary (switchover, failover) must start a cluster of their own
 * instead.
 *
 * <p>Spring tests typically feed it to {@code @DynamicPropertySource}:
 * <pre>{@code
 * @DynamicPropertySource
 * static void cluster(DynamicPropertyRegistry registry) {
 *     MySqlReplicationCluster cluster = SharedMySqlCluster.get();
 *     registry.add("spring.datasource.url", cluster.primary()::jdbcUrl);
 * }
 * }</pre>
 */
public final class SharedMySqlCluster {

	private static volatile MySqlReplicationCluster cluster;

	private static RuntimeException failure;

	private SharedMySqlCluster() {
	}

	/**
	 * The shared cluster, started if this is the first call in this JVM. Do not close it.
	 * @return the running shared cluster
	 * @throws ClusterStartException when it cannot start; every later call fails the same way
	 */
	public static MySqlReplicationCluster get() {
		MySqlReplicationCluster current = cluster;
		if (current == null) {
			synchronized (SharedMySqlCluster.class) {
				current = cluster;
				if (current == null) {
					// A cluster that failed once fails every test fast, not once per test class.
					if (failure != null) {
						throw new ClusterStartException("The shared cluster failed to start earlier: " + failure.getMessage(),
								failure);
					}
					try {
						current = MySqlReplicationClusters.start(ClusterSpec.defaults());
					}
					catch (RuntimeException ex) {
						failure = ex;
						throw ex;
					}
					cluster = current;
				}
			}
		}
		return current;
	}

}
