package io.github.rwsplit.testcluster;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts {@link MySqlReplicationCluster}s and {@link GroupReplicationCluster}s.
 *
 * <p>The provider is, in order: the spec's own; {@code -Drwsplit.cluster.provider} or
 * {@code RWSPLIT_CLUSTER_PROVIDER} ({@code local} or {@code docker}); Docker when Testcontainers
 * is on the classpath and a Docker engine answers; otherwise local {@code mysqld} processes.
 */
public final class MySqlReplicationClusters {

	private MySqlReplicationClusters() {
	}

	/**
	 * Starts a cluster of one primary and two replicas.
	 * @return the running cluster; close it when done
	 * @throws ClusterStartException when it cannot start, saying why
	 */
	public static MySqlReplicationCluster start() {
		return start(ClusterSpec.defaults());
	}

	/**
	 * Starts a cluster as specified and returns once every replica has caught up with the primary.
	 * @param spec what to start
	 * @return the running cluster; close it when done
	 * @throws ClusterStartException when it cannot start, saying why
	 */
	public static MySqlReplicationCluster start(ClusterSpec spec) {
		return switch (selectProvider(spec)) {
			case LOCAL -> LocalMySqlReplicationCluster.start(spec);
			case DOCKER -> DockerMySqlReplicationCluster.start(spec);
		};
	}

	/**
	 * Starts a Group Replication group of three members in single-primary mode.
	 * @return the running group; close it when done
	 * @throws ClusterStartException when it cannot start, saying why
	 */
	public static GroupReplicationCluster startGroupReplication() {
		return startGroupReplication(ClusterSpec.defaults());
	}

	/**
	 * Starts a Group Replication group in single-primary mode, as local {@code mysqld} processes
	 * whatever the environment chooses for replication clusters, and returns once every member is
	 * {@code ONLINE}. The spec's {@link ClusterSpec#replicas()} is the number of secondaries: the
	 * group has one member more.
	 * @param spec what to start; its Docker settings do not apply
	 * @return the running group; close it when done
	 * @throws ClusterStartException when it cannot start, saying why
	 * @throws UnsupportedOperationException when the spec asks for the Docker provider
	 */
	public static GroupReplicationCluster startGroupReplication(ClusterSpec spec) {
		return LocalGroupReplicationCluster.start(spec);
	}

	static ClusterProvider selectProvider(ClusterSpec spec) {
		if (spec.provider() != null) {
			return spec.provider();
		}
		Settings.Setting setting = Settings.get(ClusterProvider.SYSTEM_PROPERTY, ClusterProvider.ENVIRONMENT_VARIABLE);
		if (setting != null) {
			return ClusterProvider.parse(setting.value(), setting.source());
		}
		return dockerEngineAnswers() ? ClusterProvider.DOCKER : ClusterProvider.LOCAL;
	}

	/**
	 * Asks Testcontainers only when there is a sign of a Docker engine, because its probe logs
	 * warnings and takes seconds on machines that have only the client.
	 */
	private static boolean dockerEngineAnswers() {
		if (!isPresent("org.testcontainers.DockerClientFactory")) {
			return false;
		}
		String home = System.getProperty("user.home");
		String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
		boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
				|| Files.exists(Path.of(home, ".docker", "run", "docker.sock"))
				|| Files.exists(Path.of(home, ".testcontainers.properties"))
				|| (runtimeDir != null && Files.exists(Path.of(runtimeDir, "docker.sock")));
		return hint && DockerMySqlReplicationCluster.isDockerAvailable();
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, MySqlReplicationClusters.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

}
