package io.github.rwsplit.testcluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster of {@code mysqld} processes on this machine, each with its own data directory under
 * one temporary directory, listening on free loopback ports. The processes, their files and their
 * clean-up (which does not depend on the JVM ending well) are {@link LocalServers}'.
 *
 * <p>Every node's configuration starts it read-only ({@code super_read_only=ON}); the cluster
 * makes the node it holds for the primary writable in SQL, at start and after a restart. So a
 * former primary that crashed and was replaced comes back read-only, as an operator would want.
 */
final class LocalMySqlReplicationCluster extends AbstractMySqlReplicationCluster {

	private static final Logger logger = LoggerFactory.getLogger(LocalMySqlReplicationCluster.class);

	private static final String LOOPBACK = LocalServers.LOOPBACK;

	private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(90);

	private final LocalServers servers;

	private LocalMySqlReplicationCluster(ClusterSpec spec, LocalServers servers, int[] ports) {
		super(spec, layout(spec, LOOPBACK, ports), new Credentials("rwsplit_admin", randomPassword()));
		this.servers = servers;
		// The admin account is node-local: created at initialisation, kept out of the binary log
		// so that no node starts with GTIDs of its own.
		Credentials admin = adminUser();
		String initSql = "CREATE USER '" + admin.username() + "'@'%' IDENTIFIED BY '" + admin.password()
				+ "';\nGRANT ALL ON *.* TO '" + admin.username() + "'@'%' WITH GRANT OPTION;\n";
		for (ClusterNode node : nodes()) {
			servers.add(node, """
					super_read_only=ON
					relay_log_recovery=ON
					""", initSql);
		}
	}

	static LocalMySqlReplicationCluster start(ClusterSpec spec) {
		// The deadline counts from after provisioning: building the chroot took 204 s on a loaded
		// machine, which left initialisation 1 ms of a deadline counted from before it.
		MySqlInstallation mysql = MySqlInstallation.locate();
		Instant started = Instant.now();
		Instant deadline = started.plus(spec.startTimeout());
		LocalServers servers = LocalServers.create(mysql);
		LocalMySqlReplicationCluster cluster;
		try {
			cluster = new LocalMySqlReplicationCluster(spec, servers, freeLoopbackPorts(LOOPBACK, spec.replicas() + 1));
		}
		catch (RuntimeException ex) {
			servers.close();
			throw ex;
		}
		ClusterReaper.register(cluster);
		try {
			cluster.startServers(deadline);
			cluster.configureReplication(deadline);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		logger.info("Started MySQL {} cluster in {} ms: {}", mysql.version(),
				Duration.between(started, Instant.now()).toMillis(), cluster.describe());
		return cluster;
	}

	private void startServers(Instant deadline) {
		LocalServers.inParallel(this.servers.all().stream().map((server) -> (Runnable) () -> {
			server.initialize(deadline, this.spec.startTimeout());
			server.launch();
			awaitReady(server, deadline);
		}).toList());
	}

	private void awaitReady(LocalServers.Server server, Instant deadline) {
		awaitAcceptingConnections(server.node(), deadline, server::checkAlive, server::errorLogTail);
	}

	String describe() {
		StringBuilder description = new StringBuilder();
		for (ClusterNode node : nodes()) {
			description.append(description.isEmpty() ? "" : ", ")
				.append(node.name())
				.append(" 127.0.0.1:")
				.append(node.port())
				.append(" (server_id ")
				.append(node.serverId())
				.append(")");
		}
		return description.toString();
	}

	/** The cluster's directory on this machine; for tests of cleanup. */
	Path directoryForTests() {
		return this.servers.directory();
	}

	@Override
	public ClusterProvider provider() {
		return ClusterProvider.LOCAL;
	}

	@Override
	protected String sourceHost(ClusterNode source) {
		return LOOPBACK;
	}

	@Override
	protected int sourcePort(ClusterNode source) {
		return source.port();
	}

	@Override
	public void kill(String node) {
		server(node).kill();
	}

	@Override
	public void freeze(String node) {
		server(node).signal("STOP");
	}

	@Override
	public void resume(String node) {
		server(node).signal("CONT");
	}

	@Override
	protected void restartServer(String node) {
		LocalServers.Server server = server(node);
		server.launch();
		awaitReady(server, Instant.now().plus(NODE_START_TIMEOUT));
	}

	@Override
	protected String logTail(String node) {
		return this.servers.get(node).errorLogTail();
	}

	private LocalServers.Server server(String node) {
		node(node);
		return this.servers.get(node);
	}

	@Override
	public void close() {
		this.servers.close();
		ClusterReaper.unregister(this);
	}

}
