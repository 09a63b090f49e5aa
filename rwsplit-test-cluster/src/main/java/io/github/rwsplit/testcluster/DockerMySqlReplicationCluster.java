package io.github.rwsplit.testcluster;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.mysql.MySQLContainer;

import com.github.dockerjava.api.DockerClient;

/**
 * A cluster of MySQL containers on a private Docker network, through Testcontainers. Only loaded
 * when this provider is chosen, so Testcontainers stays optional.
 *
 * <p>Each container's port is published on a fixed, free host port rather than a random one, so
 * that a node killed and restarted keeps its address and the application's pools can reconnect.
 * Nodes reach their source by its network alias. Read-only mode is set with {@code SET PERSIST} on
 * every node after the image's entrypoint has created its users, and survives restarts; the
 * primary is made writable with {@code SET GLOBAL}, which does not.
 */
final class DockerMySqlReplicationCluster extends AbstractMySqlReplicationCluster {

	private static final Logger logger = LoggerFactory.getLogger(DockerMySqlReplicationCluster.class);

	private static final String LOOPBACK = "127.0.0.1";

	private static final int MYSQL_PORT = 3306;

	private final Network network = Network.newNetwork();

	private final Map<String, MySQLContainer> containers = new LinkedHashMap<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private DockerMySqlReplicationCluster(ClusterSpec spec, int[] ports, String rootPassword) {
		super(spec, layout(spec, LOOPBACK, ports), new Credentials("root", rootPassword));
	}

	static boolean isDockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	static DockerMySqlReplicationCluster start(ClusterSpec spec) {
		if (!isDockerAvailable()) {
			throw new ClusterStartException("The docker cluster provider was chosen but no Docker engine answers; "
					+ "use RWSPLIT_CLUSTER_PROVIDER=local instead.");
		}
		Instant started = Instant.now();
		Instant deadline = started.plus(spec.startTimeout());
		DockerMySqlReplicationCluster cluster = new DockerMySqlReplicationCluster(spec,
				freeLoopbackPorts(LOOPBACK, spec.replicas() + 1), randomPassword());
		ClusterReaper.register(cluster);
		try {
			cluster.startContainers();
			cluster.configureReplication(deadline);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		logger.info("Started MySQL cluster in Docker ({}) in {} ms", spec.dockerImage(),
				Duration.between(started, Instant.now()).toMillis());
		return cluster;
	}

	private static String alias(ClusterNode node) {
		return node.name();
	}

	private void startContainers() {
		for (ClusterNode node : nodes()) {
			MySQLContainer container = new MySQLContainer(this.spec.dockerImage())
				.withUsername("root")
				.withPassword(adminUser().password())
				.withDatabaseName(this.spec.schema())
				.withNetwork(this.network)
				.withNetworkAliases(alias(node))
				.withCommand("--server-id=" + node.serverId(), "--log-bin=binlog", "--relay-log=relay",
						"--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--skip-name-resolve",
						"--relay-log-recovery=ON", "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0")
				.withStartupTimeout(this.spec.startTimeout());
			container.setPortBindings(List.of(LOOPBACK + ":" + node.port() + ":" + MYSQL_PORT));
			this.containers.put(node.name(), container);
		}
		// Started one after another: parallel pulls of one image gain nothing.
		this.containers.values().forEach(MySQLContainer::start);
		for (ClusterNode node : nodes()) {
			// The image's entrypoint ran with binary logging on; those transactions are node-local
			// set-up, so each node forgets its own GTIDs before replication starts.
			withAdminConnection(node.name(), "", (connection) -> {
				try (Statement statement = connection.createStatement()) {
					try {
						statement.execute("RESET BINARY LOGS AND GTIDS");
					}
					catch (SQLException ex) {
						// MySQL before 8.4 spells it the old way.
						statement.execute("RESET MASTER");
					}
					// Persisted for every node: a restarted node starts read-only, and the cluster
					// makes only the current primary writable again.
					statement.execute("SET PERSIST super_read_only = ON");
				}
				return null;
			});
		}
	}

	@Override
	public ClusterProvider provider() {
		return ClusterProvider.DOCKER;
	}

	private String containerId(String node) {
		node(node);
		if (this.closed.get()) {
			throw new IllegalStateException("The cluster is closed");
		}
		return this.containers.get(node).getContainerId();
	}

	private static DockerClient docker() {
		return DockerClientFactory.instance().client();
	}

	@Override
	public void kill(String node) {
		docker().killContainerCmd(containerId(node)).withSignal("KILL").exec();
	}

	@Override
	public void freeze(String node) {
		docker().pauseContainerCmd(containerId(node)).exec();
	}

	@Override
	public void resume(String node) {
		docker().unpauseContainerCmd(containerId(node)).exec();
	}

	@Override
	protected String sourceHost(ClusterNode source) {
		return alias(source);
	}

	@Override
	protected int sourcePort(ClusterNode source) {
		return MYSQL_PORT;
	}

	@Override
	protected String logTail(String node) {
		return "see the container's log with docker logs " + this.containers.get(node).getContainerId();
	}

	@Override
	protected void restartServer(String node) {
		docker().startContainerCmd(containerId(node)).exec();
		awaitAcceptingConnections(node(node), Instant.now().plus(Duration.ofSeconds(90)), () -> {
		}, () -> "see the container's log with docker logs " + containerId(node));
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		for (MySQLContainer container : this.containers.values()) {
			try {
				container.stop();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not stop container {}: {}", container.getContainerId(), ex.getMessage());
			}
		}
		this.network.close();
		ClusterReaper.unregister(this);
	}

}
