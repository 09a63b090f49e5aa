package io.github.rwsplit.testcluster;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * What every provider shares: the accounts, replication set-up, the topology (which node is the
 * primary now) and the SQL-level controls, switchover and failover included. A provider supplies
 * the servers (start, kill, freeze, restart, close) and how nodes address each other, starts every
 * node read-only and calls {@link #configureReplication(Instant)} once they accept connections.
 */
abstract class AbstractMySqlReplicationCluster implements MySqlReplicationCluster {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final int DEFAULT_EPHEMERAL_START = 32768;

	private static final char[] PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
		.toCharArray();

	protected final ClusterSpec spec;

	/** Nodes by name as laid out at start; their roles are the initial ones, see {@link #node(String)}. */
	private final Map<String, ClusterNode> nodes;

	/** Guards changes of topology: switchover, failover, rejoin. */
	private final Object topologyLock = new Object();

	/** The name of the node this cluster holds for the primary. */
	private volatile String primaryName;

	/**
	 * Non-primary nodes that replicate from nothing or from a former primary: a primary replaced by
	 * {@link #failover()} and replicas that could not be repointed, until
	 * {@link #rejoinAsReplica(String)} or a switchover repoints them.
	 */
	private final Set<String> detached = ConcurrentHashMap.newKeySet();

	private final Credentials adminUser;

	private final Credentials appUser = new Credentials("rwsplit_app", randomPassword());

	private final Credentials readOnlyUser = new Credentials("rwsplit_ro", randomPassword());

	private final Credentials replicationUser = new Credentials("rwsplit_repl", randomPassword());

	protected AbstractMySqlReplicationCluster(ClusterSpec spec, List<ClusterNode> nodes, Credentials adminUser) {
		this.spec = spec;
		Map<String, ClusterNode> byName = new LinkedHashMap<>();
		nodes.forEach((node) -> byName.put(node.name(), node));
		this.nodes = byName;
		this.primaryName = nodes.stream().filter(ClusterNode::isPrimary).findFirst().orElseThrow().name();
		this.adminUser = adminUser;
	}

	/**
	 * Lays out the nodes of a cluster: the primary is server 1, replica {@code i} is server
	 * {@code i + 1}.
	 */
	static List<ClusterNode> layout(ClusterSpec spec, String host, int[] ports) {
		ClusterNode[] nodes = new ClusterNode[spec.replicas() + 1];
		nodes[0] = new ClusterNode("primary", NodeRole.PRIMARY, 1, host, ports[0], spec.schema());
		for (int i = 1; i <= spec.replicas(); i++) {
			nodes[i] = new ClusterNode("replica-" + i, NodeRole.REPLICA, i + 1, host, ports[i], spec.schema());
		}
		return List.of(nodes);
	}

	/**
	 * Free loopback ports for servers that bind them seconds later. They are drawn below the
	 * kernel's ephemeral range, because outgoing connections take their source ports from that
	 * range and could otherwise occupy a chosen port before the server binds it. Each is checked by
	 * binding it, and all stay bound until every one is chosen, so none is handed out twice.
	 */
	static int[] freeLoopbackPorts(String host, int count) {
		int ephemeralStart = ephemeralRangeStart();
		int low = Math.min(15000, ephemeralStart / 2);
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			InetAddress address = InetAddress.getByName(host);
			int[] ports = new int[count];
			for (int i = 0; i < count; i++) {
				ports[i] = bindFreePort(address, low, ephemeralStart, sockets);
			}
			return ports;
		}
		catch (IOException ex) {
			throw new ClusterStartException("Could not find free loopback ports: " + ex.getMessage(), ex);
		}
		finally {
			for (ServerSocket socket : sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// Released either way.
				}
			}
		}
	}

	private static int bindFreePort(InetAddress address, int low, int high, List<ServerSocket> sockets)
			throws IOException {
		for (int attempt = 0; attempt < 200 && high > low; attempt++) {
			int port = low + RANDOM.nextInt(high - low);
			try {
				ServerSocket socket = new ServerSocket(port, 1, address);
				sockets.add(socket);
				return port;
			}
			catch (IOException taken) {
				// Try another.
			}
		}
		ServerSocket socket = new ServerSocket(0, 1, address);
		sockets.add(socket);
		return socket.getLocalPort();
	}

	private static int ephemeralRangeStart() {
		// Read as a stream: some kernels report a size for procfs files that cuts Files.readString
		// short (it returned "3" for "32768 60999" on the CI machine, putting servers on ports 1 and 2).
		try (java.io.InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
			String range = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
			int start = Integer.parseInt(range.split("\\s+")[0]);
			return (start >= 2048) ? start : DEFAULT_EPHEMERAL_START;
		}
		catch (IOException | RuntimeException ex) {
			return DEFAULT_EPHEMERAL_START;
		}
	}

	/**
	 * Polls until a node accepts an admin connection.
	 * @param node the node
	 * @param deadline when to give up
	 * @param liveness called before each attempt; throws when the server is known to be dead
	 * @param logs describes the node's logs for the failure message
	 */
	protected final void awaitAcceptingConnections(ClusterNode node, Instant deadline, Runnable liveness,
			Supplier<String> logs) {
		SQLException last = null;
		while (Instant.now().isBefore(deadline)) {
			liveness.run();
			try (Connection connection = connectAsAdmin(node, "")) {
				return;
			}
			catch (SQLException ex) {
				last = ex;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ClusterStartException("Interrupted while waiting for " + node.name(), ex);
			}
		}
		throw new ClusterStartException(node.name() + " did not accept connections in time (last error: "
				+ ((last != null) ? last.getMessage() : "none") + "); " + logs.get());
	}

	static String randomPassword() {
		char[] chars = new char[24];
		for (int i = 0; i < chars.length; i++) {
			chars[i] = PASSWORD_ALPHABET[RANDOM.nextInt(PASSWORD_ALPHABET.length)];
		}
		return new String(chars);
	}

	/**
	 * Makes the initial primary writable (every node starts read-only), creates the schema and
	 * accounts on it (they replicate to every replica), points each replica at the primary and
	 * waits until all have caught up.
	 * @param deadline when to give up
	 */
	protected final void configureReplication(Instant deadline) {
		String schema = this.spec.schema();
		String primary = this.primaryName;
		setReadOnly(primary, false);
		withAdminConnection(primary, "", (connection) -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
				// performance_schema: the monitor reads roles there (replication channels, group members).
				createUser(statement, this.appUser, "ALL PRIVILEGES ON `" + schema + "`.*", "REPLICATION CLIENT ON *.*",
						"SELECT ON performance_schema.*");
				createUser(statement, this.readOnlyUser, "SELECT ON `" + schema + "`.*", "REPLICATION CLIENT ON *.*");
				createUser(statement, this.replicationUser, "REPLICATION SLAVE ON *.*");
			}
			return null;
		});
		for (ClusterNode replica : replicas()) {
			pointAt(replica.name(), primary());
		}
		awaitReplicasCaughtUp(Duration.between(Instant.now(), deadline));
	}

	/** The address at which other nodes reach a node as their source. */
	protected abstract String sourceHost(ClusterNode source);

	/** The port at which other nodes reach a node as their source. */
	protected abstract int sourcePort(ClusterNode source);

	/** Starts a killed node's server again and returns once it accepts connections. */
	protected abstract void restartServer(String node);

	/** The last lines of a node's logs, or where to find them, for failure messages. */
	protected abstract String logTail(String node);

	/**
	 * Points a node at a source with GTID auto-positioning and starts replicating. An applier that
	 * a test stopped on purpose (stopped without an error) stays stopped; a delay stays as it was.
	 */
	private void pointAt(String node, ClusterNode source) {
		withAdminConnection(node, "", (connection) -> {
			try (Statement statement = connection.createStatement()) {
				boolean keepApplierStopped = false;
				try (ResultSet rs = statement.executeQuery("SHOW REPLICA STATUS")) {
					if (rs.next()) {
						String sqlError = rs.getString("Last_SQL_Error");
						keepApplierStopped = !"Yes".equals(rs.getString("Replica_SQL_Running"))
								&& (sqlError == null || sqlError.isEmpty());
					}
				}
				statement.execute("STOP REPLICA");
				// A short connect retry lets replicas reconnect within a second after the primary
				// restarts; MySQL's default is a minute.
				statement.execute("CHANGE REPLICATION SOURCE TO SOURCE_HOST='" + sourceHost(source) + "', SOURCE_PORT="
						+ sourcePort(source) + ", SOURCE_USER='" + this.replicationUser.username() + "', SOURCE_PASSWORD='"
						+ this.replicationUser.password() + "', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1,"
						+ " SOURCE_CONNECT_RETRY=1, SOURCE_RETRY_COUNT=86400");
				statement.execute(keepApplierStopped ? "START REPLICA IO_THREAD" : "START REPLICA");
			}
			return null;
		});
	}

	/** {@code super_read_only} (and with it {@code read_only}) on, or both off. */
	private void setReadOnly(String node, boolean readOnly) {
		withAdminConnection(node, "", (connection) -> {
			try (Statement statement = connection.createStatement()) {
				// Bounded: turning read-only on waits for commits in flight and for table locks.
				statement.execute("SET SESSION lock_wait_timeout = 10");
				statement.execute(readOnly ? "SET GLOBAL super_read_only = ON"
						: "SET GLOBAL super_read_only = OFF, GLOBAL read_only = OFF");
			}
			return null;
		});
	}

	private static void createUser(Statement statement, Credentials user, String... grants) throws SQLException {
		// Passwords are generated from a plain alphabet, so quoting them as literals is safe.
		statement.execute("CREATE USER '" + user.username() + "'@'%' IDENTIFIED BY '" + user.password() + "'");
		for (String grant : grants) {
			statement.execute("GRANT " + grant + " TO '" + user.username() + "'@'%'");
		}
	}

	@Override
	public ClusterNode primary() {
		return node(this.primaryName);
	}

	@Override
	public List<ClusterNode> replicas() {
		String primary = this.primaryName;
		return this.nodes.keySet().stream().filter((name) -> !name.equals(primary)).map(this::node).toList();
	}

	@Override
	public List<ClusterNode> nodes() {
		List<ClusterNode> all = new ArrayList<>();
		all.add(primary());
		all.addAll(replicas());
		return List.copyOf(all);
	}

	@Override
	public ClusterNode node(String name) {
		ClusterNode node = this.nodes.get(name);
		if (node == null) {
			throw new IllegalArgumentException("No node named '" + name + "' in this cluster; nodes are " + this.nodes.keySet());
		}
		return node.withRole(name.equals(this.primaryName) ? NodeRole.PRIMARY : NodeRole.REPLICA);
	}

	protected final ClusterNode replica(String name) {
		ClusterNode node = node(name);
		if (node.isPrimary()) {
			throw new IllegalArgumentException("'" + name + "' is the primary now; this control applies to replicas only");
		}
		return node;
	}

	@Override
	public boolean isDetached(String node) {
		node(node);
		return this.detached.contains(node);
	}

	@Override
	public final void restart(String node) {
		restartServer(node);
		// Every node starts read-only; only the one the cluster holds for the primary is made
		// writable again. A primary replaced by a failover therefore comes back read-only.
		if (node.equals(this.primaryName)) {
			setReadOnly(node, false);
		}
	}

	@Override
	public void setWritable(String node, boolean writable) {
		node(node);
		setReadOnly(node, !writable);
	}

	@Override
	public boolean isWritable(String node) {
		return withAdminConnection(node, "", (connection) -> {
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT @@global.read_only, @@global.super_read_only")) {
				rs.next();
				return rs.getInt(1) == 0 && rs.getInt(2) == 0;
			}
		});
	}

	@Override
	public SwitchoverResult switchover(String newPrimary) {
		return switchover(newPrimary, Duration.ofSeconds(30));
	}

	@Override
	public SwitchoverResult switchover(String newPrimary, Duration catchUpTimeout) {
		synchronized (this.topologyLock) {
			String oldPrimary = this.primaryName;
			replica(newPrimary);
			for (String name : this.nodes.keySet()) {
				// Every node is repointed; find a dead one before changing anything.
				try {
					withAdminConnection(name, "", (connection) -> null);
				}
				catch (IllegalStateException down) {
					throw new IllegalStateException("Switchover to " + newPrimary + " not started: it repoints every node, and "
							+ name + " is down (" + down.getMessage() + "); restart it first, or use failover()", down);
				}
			}
			Instant started = Instant.now();
			setReadOnly(oldPrimary, true);
			Instant readOnlyAt = Instant.now();
			String gtids = gtidExecuted(oldPrimary);
			if (!awaitGtidApplied(newPrimary, gtids, catchUpTimeout)) {
				ReplicaStatus status = replicaStatus(newPrimary);
				setReadOnly(oldPrimary, false);
				throw new IllegalStateException("Switchover to " + newPrimary + " abandoned, " + oldPrimary
						+ " is writable again: " + newPrimary + " did not apply " + oldPrimary + "'s GTID set " + gtids
						+ " within " + catchUpTimeout + "; its status: " + status + "; " + logTail(newPrimary));
			}
			Instant writableAt = promote(newPrimary);
			for (String name : this.nodes.keySet()) {
				if (!name.equals(newPrimary)) {
					pointAt(name, node(newPrimary));
					this.detached.remove(name);
				}
			}
			return new SwitchoverResult(oldPrimary, newPrimary, started, readOnlyAt, writableAt, Instant.now());
		}
	}

	/**
	 * Makes a replica the primary: it forgets its source and becomes writable. Returns when it
	 * became writable.
	 */
	private Instant promote(String node) {
		withAdminConnection(node, "", (connection) -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute("STOP REPLICA");
				statement.execute("RESET REPLICA ALL");
			}
			return null;
		});
		setReadOnly(node, false);
		Instant writableAt = Instant.now();
		this.primaryName = node;
		this.detached.remove(node);
		return writableAt;
	}

	@Override
	public FailoverResult failover() {
		return failover(null);
	}

	@Override
	public FailoverResult failover(@Nullable String newPrimary) {
		synchronized (this.topologyLock) {
			String oldPrimary = this.primaryName;
			if (newPrimary != null) {
				replica(newPrimary);
			}
			kill(oldPrimary);
			Instant killedAt = Instant.now();
			List<String> candidates = new ArrayList<>();
			for (ClusterNode replica : replicas()) {
				if (!this.detached.contains(replica.name()) && applyRelayLog(replica.name())) {
					candidates.add(replica.name());
				}
				else {
					this.detached.add(replica.name());
				}
			}
			String chosen = (newPrimary != null) ? newPrimary : mostAdvanced(candidates);
			if (!candidates.contains(chosen)) {
				throw new IllegalStateException("Cannot promote " + chosen + ": it is down or detached; live replicas: "
						+ candidates + "; " + logTail(chosen));
			}
			Instant writableAt = promote(chosen);
			this.detached.add(oldPrimary);
			for (String name : candidates) {
				if (!name.equals(chosen)) {
					pointAt(name, node(chosen));
				}
			}
			return new FailoverResult(oldPrimary, chosen, killedAt, writableAt, Instant.now());
		}
	}

	/**
	 * Lets a replica whose source is gone apply what it has received, as orchestrators do before
	 * they compare candidates. Bounded: a replica whose applier a test stopped, or that is delayed,
	 * is compared on what it has applied.
	 * @return whether the replica is up
	 */
	private boolean applyRelayLog(String replica) {
		String retrieved;
		boolean applying;
		try {
			ReplicaStatusDetail detail = withAdminConnection(replica, "", (connection) -> {
				try (Statement statement = connection.createStatement();
						ResultSet rs = statement.executeQuery("SHOW REPLICA STATUS")) {
					if (!rs.next()) {
						return new ReplicaStatusDetail("", false);
					}
					return new ReplicaStatusDetail(normalizeGtidSet(rs.getString("Retrieved_Gtid_Set")),
							"Yes".equals(rs.getString("Replica_SQL_Running")) && rs.getInt("SQL_Delay") == 0);
				}
			});
			retrieved = detail.retrieved();
			applying = detail.applying();
		}
		catch (IllegalStateException down) {
			return false;
		}
		if (applying && !retrieved.isEmpty()) {
			awaitGtidApplied(replica, retrieved, Duration.ofSeconds(10));
		}
		return true;
	}

	private record ReplicaStatusDetail(String retrieved, boolean applying) {
	}

	@Override
	public String mostAdvancedReplica() {
		List<String> live = new ArrayList<>();
		for (ClusterNode replica : replicas()) {
			if (!this.detached.contains(replica.name())) {
				try {
					withAdminConnection(replica.name(), "", (connection) -> null);
					live.add(replica.name());
				}
				catch (IllegalStateException down) {
					// Not a candidate.
				}
			}
		}
		return mostAdvanced(live);
	}

	/**
	 * The candidate whose executed GTIDs contain every other's; if two have diverged, the earlier
	 * in name order of those seen so far is kept.
	 */
	private String mostAdvanced(List<String> candidates) {
		if (candidates.isEmpty()) {
			throw new IllegalStateException("No live, attached replica to promote");
		}
		String best = candidates.get(0);
		String bestGtids = gtidExecuted(best);
		for (String candidate : candidates.subList(1, candidates.size())) {
			String gtids = gtidExecuted(candidate);
			if (!isSubset(candidate, gtids, bestGtids) && isSubset(candidate, bestGtids, gtids)) {
				best = candidate;
				bestGtids = gtids;
			}
		}
		return best;
	}

	/** Whether {@code subset} is contained in {@code superset}, asked of a live server. */
	private boolean isSubset(String askNode, String subset, String superset) {
		return withAdminConnection(askNode, "", (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("SELECT GTID_SUBSET(?, ?)")) {
				statement.setString(1, subset);
				statement.setString(2, superset);
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					return rs.getInt(1) == 1;
				}
			}
		});
	}

	@Override
	public void rejoinAsReplica(String node) {
		synchronized (this.topologyLock) {
			replica(node);
			setReadOnly(node, true);
			pointAt(node, primary());
			this.detached.remove(node);
		}
	}

	@Override
	public String schema() {
		return this.spec.schema();
	}

	@Override
	public Credentials appUser() {
		return this.appUser;
	}

	@Override
	public Credentials readOnlyUser() {
		return this.readOnlyUser;
	}

	@Override
	public Credentials replicationUser() {
		return this.replicationUser;
	}

	@Override
	public Credentials adminUser() {
		return this.adminUser;
	}

	@Override
	public Connection openAdminConnection(String node) {
		try {
			return connectAsAdmin(node(node), this.spec.schema());
		}
		catch (SQLException ex) {
			throw failure(node, "connect", ex);
		}
	}

	/** Opens an admin connection without looking at the cluster's state; used while starting. */
	protected final Connection connectAsAdmin(ClusterNode node, String schema) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", this.adminUser.username());
		properties.setProperty("password", this.adminUser.password());
		properties.setProperty("connectTimeout", "5000");
		return DriverManager.getConnection(node.jdbcUrl(schema), properties);
	}

	@Override
	public String gtidExecuted(String node) {
		return withAdminConnection(node, "", (connection) -> {
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT @@global.gtid_executed")) {
				rs.next();
				return normalizeGtidSet(rs.getString(1));
			}
		});
	}

	static String normalizeGtidSet(String gtidSet) {
		return (gtidSet != null) ? gtidSet.replace("\n", "").replace("\r", "").trim() : "";
	}

	@Override
	public boolean awaitGtidApplied(String node, String gtidSet, Duration timeout) {
		String set = normalizeGtidSet(gtidSet);
		if (set.isEmpty()) {
			return true;
		}
		BigDecimal seconds = BigDecimal.valueOf(Math.max(0, timeout.toMillis()), 3);
		return withAdminConnection(node, "", (connection) -> {
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)")) {
				statement.setString(1, set);
				statement.setBigDecimal(2, seconds);
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					return rs.getInt(1) == 0;
				}
			}
		});
	}

	@Override
	public void awaitReplicasCaughtUp(Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		String primary = this.primaryName;
		String primaryGtids = gtidExecuted(primary);
		for (ClusterNode replica : replicas()) {
			if (this.detached.contains(replica.name())) {
				continue;
			}
			Duration left = Duration.between(Instant.now(), deadline);
			if (!awaitGtidApplied(replica.name(), primaryGtids, left.isNegative() ? Duration.ZERO : left)) {
				throw new IllegalStateException(replica.name() + " did not apply the primary's (" + primary + ") GTID set " + primaryGtids
						+ " within " + timeout + "; its status: " + replicaStatus(replica.name()));
			}
		}
	}

	@Override
	public ReplicaStatus replicaStatus(String replica) {
		replica(replica);
		return withAdminConnection(replica, "", (connection) -> {
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SHOW REPLICA STATUS")) {
				if (!rs.next()) {
					throw new IllegalStateException(replica + " has no replication configured");
				}
				long behind = rs.getLong("Seconds_Behind_Source");
				Long secondsBehind = rs.wasNull() ? null : behind;
				String ioError = rs.getString("Last_IO_Error");
				String sqlError = rs.getString("Last_SQL_Error");
				String lastError = (sqlError != null && !sqlError.isEmpty()) ? sqlError
						: (ioError != null) ? ioError : "";
				return new ReplicaStatus("Yes".equals(rs.getString("Replica_IO_Running")),
						"Yes".equals(rs.getString("Replica_SQL_Running")), secondsBehind, rs.getInt("SQL_Delay"),
						lastError);
			}
		});
	}

	@Override
	public void stopReplicaSqlThread(String replica) {
		executeOnReplica(replica, "STOP REPLICA SQL_THREAD");
	}

	@Override
	public void startReplicaSqlThread(String replica) {
		executeOnReplica(replica, "START REPLICA SQL_THREAD");
	}

	@Override
	public void setReplicationDelay(String replica, Duration delay) {
		if (delay.isNegative() || delay.toNanos() % 1_000_000_000L != 0) {
			throw new IllegalArgumentException("Replication delay must be zero or whole seconds, was " + delay);
		}
		boolean applierWasRunning = replicaStatus(replica).sqlThreadRunning();
		// SOURCE_DELAY can only change while the applier is stopped; leave it as it was found.
		executeOnReplica(replica, "STOP REPLICA SQL_THREAD", "CHANGE REPLICATION SOURCE TO SOURCE_DELAY=" + delay.toSeconds());
		if (applierWasRunning) {
			executeOnReplica(replica, "START REPLICA SQL_THREAD");
		}
	}

	private void executeOnReplica(String replica, String... statements) {
		replica(replica);
		withAdminConnection(replica, "", (connection) -> {
			try (Statement statement = connection.createStatement()) {
				for (String sql : statements) {
					statement.execute(sql);
				}
			}
			return null;
		});
	}

	/** Work done on an admin connection. */
	@FunctionalInterface
	protected interface ConnectionCallback<T> {

		T doWith(Connection connection) throws SQLException;

	}

	protected final <T> T withAdminConnection(String node, String schema, ConnectionCallback<T> callback) {
		ClusterNode target = node(node);
		try (Connection connection = connectAsAdmin(target, schema)) {
			return callback.doWith(connection);
		}
		catch (SQLException ex) {
			throw failure(node, "run SQL", ex);
		}
	}

	private static IllegalStateException failure(String node, String action, SQLException ex) {
		return new IllegalStateException("Could not " + action + " on " + node + ": " + ex.getMessage(), ex);
	}

}
