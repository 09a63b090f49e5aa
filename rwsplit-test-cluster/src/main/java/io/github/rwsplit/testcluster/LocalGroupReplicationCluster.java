package io.github.rwsplit.testcluster;

import java.math.BigDecimal;
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
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Group Replication group of local {@code mysqld} processes in single-primary mode, on the same
 * installation and with the same process handling and clean-up ({@link LocalServers}) as
 * {@link LocalMySqlReplicationCluster}. Each member listens on two loopback ports: SQL, and XCom
 * ({@code group_replication_local_address}). The default XCom communication stack is used; the
 * MYSQL stack could not connect members on these machines.
 *
 * <p>It is responsible for starting the group and for the member controls; it keeps no view of
 * roles of its own, because the group elects without asking.
 */
final class LocalGroupReplicationCluster implements GroupReplicationCluster {

	private static final Logger logger = LoggerFactory.getLogger(LocalGroupReplicationCluster.class);

	private static final String LOOPBACK = LocalServers.LOOPBACK;

	private static final Duration MEMBER_START_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration POLL_SOCKET_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STATEMENT_SOCKET_TIMEOUT = Duration.ofSeconds(180);

	private static final String MEMBERS_QUERY = "SELECT MEMBER_ID, MEMBER_PORT, MEMBER_STATE, MEMBER_ROLE"
			+ " FROM performance_schema.replication_group_members";

	private final ClusterSpec spec;

	private final LocalServers servers;

	private final String groupName = UUID.randomUUID().toString();

	private final Map<String, ClusterNode> members = new LinkedHashMap<>();

	private final Credentials adminUser = new Credentials("rwsplit_admin", AbstractMySqlReplicationCluster.randomPassword());

	private final Credentials appUser = new Credentials("rwsplit_app", AbstractMySqlReplicationCluster.randomPassword());

	private final Credentials readOnlyUser = new Credentials("rwsplit_ro", AbstractMySqlReplicationCluster.randomPassword());

	private final Credentials replicationUser = new Credentials("rwsplit_repl",
			AbstractMySqlReplicationCluster.randomPassword());

	private LocalGroupReplicationCluster(ClusterSpec spec, LocalServers servers, int[] ports) {
		this.spec = spec;
		this.servers = servers;
		int count = spec.replicas() + 1;
		StringBuilder seeds = new StringBuilder();
		for (int i = 0; i < count; i++) {
			seeds.append((i > 0) ? "," : "").append(LOOPBACK).append(':').append(ports[count + i]);
		}
		String initSql = "CREATE USER '" + this.adminUser.username() + "'@'%' IDENTIFIED BY '"
				+ this.adminUser.password() + "';\nGRANT ALL ON *.* TO '" + this.adminUser.username()
				+ "'@'%' WITH GRANT OPTION;\n"
				// Distributed recovery's account, on every member and outside the binary log.
				+ "CREATE USER '" + this.replicationUser.username() + "'@'%' IDENTIFIED BY '"
				+ this.replicationUser.password() + "';\nGRANT REPLICATION SLAVE, CONNECTION_ADMIN, BACKUP_ADMIN,"
				+ " GROUP_REPLICATION_STREAM ON *.* TO '" + this.replicationUser.username() + "'@'%';\n";
		for (int i = 0; i < count; i++) {
			ClusterNode node = new ClusterNode("member-" + (i + 1), (i == 0) ? NodeRole.PRIMARY : NodeRole.REPLICA,
					i + 1, LOOPBACK, ports[i], spec.schema());
			this.members.put(node.name(), node);
			servers.add(node, """
					super_read_only=ON
					report_host=127.0.0.1
					disabled_storage_engines="MyISAM,BLACKHOLE,FEDERATED,ARCHIVE,MEMORY"
					plugin_load_add=group_replication.so
					loose-group_replication_group_name=%s
					loose-group_replication_start_on_boot=OFF
					loose-group_replication_local_address=127.0.0.1:%d
					loose-group_replication_group_seeds=%s
					loose-group_replication_single_primary_mode=ON
					loose-group_replication_recovery_get_public_key=ON
					# Tests kill members: expel a silent member as soon as it is suspected (XCom suspects
					# after a fixed 5 s) instead of 5 s later, so that an election follows quickly.
					loose-group_replication_member_expel_timeout=0
					# Members rejoin when a test restarts them, not by themselves.
					loose-group_replication_autorejoin_tries=0
					loose-group_replication_exit_state_action=READ_ONLY
					# The smallest cache XCom allows; the default lets it grow to 1 GB per member.
					loose-group_replication_message_cache_size=134217728
					""".formatted(this.groupName, ports[count + i], seeds), initSql);
		}
	}

	static LocalGroupReplicationCluster start(ClusterSpec spec) {
		if (spec.provider() == ClusterProvider.DOCKER) {
			throw new UnsupportedOperationException("Group Replication clusters run as local mysqld processes only; "
					+ "the docker provider was asked for in " + spec);
		}
		MySqlInstallation mysql = MySqlInstallation.locate();
		Instant started = Instant.now();
		Instant deadline = started.plus(spec.startTimeout());
		LocalServers servers = LocalServers.create(mysql);
		LocalGroupReplicationCluster cluster;
		try {
			int count = spec.replicas() + 1;
			cluster = new LocalGroupReplicationCluster(spec, servers,
					AbstractMySqlReplicationCluster.freeLoopbackPorts(LOOPBACK, 2 * count));
		}
		catch (RuntimeException ex) {
			servers.close();
			throw ex;
		}
		ClusterReaper.register(cluster);
		try {
			cluster.startServers(deadline);
			cluster.formGroup(deadline);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		logger.info("Started MySQL {} Group Replication group {} in {} ms: {}", mysql.version(), cluster.groupName,
				Duration.between(started, Instant.now()).toMillis(), cluster.describe());
		return cluster;
	}

	private void startServers(Instant deadline) {
		LocalServers.inParallel(this.servers.all().stream().map((server) -> (Runnable) () -> {
			server.initialize(deadline, this.spec.startTimeout());
			server.launch();
			awaitAcceptingConnections(server, deadline);
		}).toList());
	}

	private void formGroup(Instant deadline) {
		List<String> names = List.copyOf(this.members.keySet());
		for (String name : names) {
			execute(name, "CHANGE REPLICATION SOURCE TO SOURCE_USER='" + this.replicationUser.username()
					+ "', SOURCE_PASSWORD='" + this.replicationUser.password() + "' FOR CHANNEL 'group_replication_recovery'");
		}
		String first = names.get(0);
		execute(first, "SET GLOBAL group_replication_bootstrap_group=ON", "START GROUP_REPLICATION",
				"SET GLOBAL group_replication_bootstrap_group=OFF");
		awaitOnline(first, deadline);
		awaitPrimaryElected(Duration.between(Instant.now(), deadline));
		String schema = this.spec.schema();
		execute(first, "CREATE DATABASE IF NOT EXISTS `" + schema + "`",
				"CREATE USER '" + this.appUser.username() + "'@'%' IDENTIFIED BY '" + this.appUser.password() + "'",
				"GRANT ALL PRIVILEGES ON `" + schema + "`.* TO '" + this.appUser.username() + "'@'%'",
				"GRANT REPLICATION CLIENT ON *.* TO '" + this.appUser.username() + "'@'%'",
				// As an InnoDB Cluster's router account may: member states and roles are in performance_schema.
				"GRANT SELECT ON performance_schema.* TO '" + this.appUser.username() + "'@'%'",
				"CREATE USER '" + this.readOnlyUser.username() + "'@'%' IDENTIFIED BY '" + this.readOnlyUser.password() + "'",
				"GRANT SELECT ON `" + schema + "`.* TO '" + this.readOnlyUser.username() + "'@'%'",
				"GRANT REPLICATION CLIENT ON *.* TO '" + this.readOnlyUser.username() + "'@'%'");
		// One at a time: joiners recover from a donor, and two joining at once only slow each other.
		for (String name : names.subList(1, names.size())) {
			execute(name, "START GROUP_REPLICATION");
			awaitOnline(name, deadline);
		}
	}

	private void awaitAcceptingConnections(LocalServers.Server server, Instant deadline) {
		SQLException last = null;
		while (Instant.now().isBefore(deadline)) {
			server.checkAlive();
			try (Connection connection = connect(server.node(), "")) {
				return;
			}
			catch (SQLException ex) {
				last = ex;
			}
			pause();
		}
		throw new ClusterStartException(server.node().name() + " did not accept connections in time (last error: "
				+ ((last != null) ? last.getMessage() : "none") + "); " + server.errorLogTail());
	}

	/** Waits until a member sees itself ONLINE in the group. */
	private void awaitOnline(String name, Instant deadline) {
		String state = "?";
		while (Instant.now().isBefore(deadline)) {
			state = ownState(name);
			if ("ONLINE".equals(state)) {
				return;
			}
			if ("ERROR".equals(state)) {
				break;
			}
			pause();
		}
		throw new IllegalStateException(name + " did not become ONLINE in the group (its state: " + state + "); "
				+ this.servers.get(name).errorLogTail());
	}

	private String ownState(String name) {
		for (MemberView view : viewOf(name)) {
			if (view.port() == this.members.get(name).port()) {
				return view.state();
			}
		}
		return "OFFLINE";
	}

	private static void pause() {
		try {
			Thread.sleep(100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** One row of {@code replication_group_members} as a member sees it. */
	private record MemberView(String uuid, int port, String state, String role) {
	}

	private List<MemberView> viewOf(String name) {
		return withAdminConnection(name, (connection) -> {
			List<MemberView> views = new ArrayList<>();
			try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(MEMBERS_QUERY)) {
				while (rs.next()) {
					views.add(new MemberView(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)));
				}
			}
			return views;
		});
	}

	/**
	 * The view of a running member that sees itself ONLINE, which is the group's view; members that
	 * left or were expelled see only themselves.
	 */
	private List<MemberView> groupView() {
		for (ClusterNode member : this.members.values()) {
			if (!this.servers.get(member.name()).isRunning()) {
				continue;
			}
			try {
				List<MemberView> view = viewOf(member.name());
				boolean online = view.stream()
					.anyMatch((row) -> row.port() == member.port() && "ONLINE".equals(row.state()));
				if (online) {
					return view;
				}
			}
			catch (IllegalStateException unreachable) {
				// Frozen or just dying; ask the next one.
			}
		}
		return List.of();
	}

	private String nameOfPort(int port) {
		return this.members.values()
			.stream()
			.filter((member) -> member.port() == port)
			.map(ClusterNode::name)
			.findFirst()
			.orElse(null);
	}

	@Override
	public String groupName() {
		return this.groupName;
	}

	@Override
	public ClusterNode primary() {
		ClusterNode primary = onlinePrimary(groupView());
		if (primary == null) {
			throw new IllegalStateException("No live member sees an online primary; states: " + memberStates());
		}
		return primary;
	}

	private ClusterNode onlinePrimary(List<MemberView> view) {
		for (MemberView row : view) {
			String name = nameOfPort(row.port());
			if (name != null && "PRIMARY".equals(row.role()) && "ONLINE".equals(row.state())) {
				return this.members.get(name).withRole(NodeRole.PRIMARY);
			}
		}
		return null;
	}

	@Override
	public List<ClusterNode> members() {
		ClusterNode primary = onlinePrimary(groupView());
		return this.members.values()
			.stream()
			.map((member) -> member.withRole((primary != null && primary.name().equals(member.name())) ? NodeRole.PRIMARY
					: NodeRole.REPLICA))
			.toList();
	}

	@Override
	public ClusterNode member(String name) {
		ClusterNode member = requireMember(name);
		ClusterNode primary = onlinePrimary(groupView());
		return member.withRole((primary != null && primary.name().equals(name)) ? NodeRole.PRIMARY : NodeRole.REPLICA);
	}

	private ClusterNode requireMember(String name) {
		ClusterNode member = this.members.get(name);
		if (member == null) {
			throw new IllegalArgumentException("No member named '" + name + "' in this group; members are "
					+ this.members.keySet());
		}
		return member;
	}

	@Override
	public Map<String, String> memberStates() {
		Map<String, String> states = new LinkedHashMap<>();
		this.members.keySet().forEach((name) -> states.put(name, "OFFLINE"));
		for (MemberView row : groupView()) {
			String name = nameOfPort(row.port());
			if (name != null) {
				states.put(name, row.state());
			}
		}
		return states;
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
	public Connection openAdminConnection(String name) {
		try {
			return connect(requireMember(name), this.spec.schema());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not connect to " + name + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public String gtidExecuted(String name) {
		return withAdminConnection(name, (connection) -> {
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT @@global.gtid_executed")) {
				rs.next();
				return AbstractMySqlReplicationCluster.normalizeGtidSet(rs.getString(1));
			}
		});
	}

	@Override
	public boolean awaitGtidApplied(String name, String gtidSet, Duration timeout) {
		String set = AbstractMySqlReplicationCluster.normalizeGtidSet(gtidSet);
		if (set.isEmpty()) {
			return true;
		}
		BigDecimal seconds = BigDecimal.valueOf(Math.max(0, timeout.toMillis()), 3);
		return withAdminConnection(name, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)")) {
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
	public void kill(String name) {
		requireMember(name);
		this.servers.get(name).kill();
	}

	@Override
	public void restart(String name) {
		requireMember(name);
		LocalServers.Server server = this.servers.get(name);
		server.launch();
		Instant deadline = Instant.now().plus(MEMBER_START_TIMEOUT);
		awaitAcceptingConnections(server, deadline);
		execute(name, "START GROUP_REPLICATION");
		awaitOnline(name, deadline);
	}

	@Override
	public ClusterNode awaitPrimaryElected(Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		while (true) {
			ClusterNode primary = onlinePrimary(groupView());
			if (primary != null && this.servers.get(primary.name()).isRunning() && isWritable(primary.name())) {
				return primary;
			}
			if (!Instant.now().isBefore(deadline)) {
				throw new IllegalStateException("No primary was elected within " + timeout + "; states: " + memberStates());
			}
			pause();
		}
	}

	private boolean isWritable(String name) {
		try {
			return withAdminConnection(name, (connection) -> {
				try (Statement statement = connection.createStatement();
						ResultSet rs = statement.executeQuery("SELECT @@global.super_read_only, @@global.read_only")) {
					rs.next();
					return rs.getInt(1) == 0 && rs.getInt(2) == 0;
				}
			});
		}
		catch (IllegalStateException unreachable) {
			return false;
		}
	}

	@Override
	public ClusterNode setPrimary(String name) {
		requireMember(name);
		String uuid = withAdminConnection(name, (connection) -> {
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT @@server_uuid")) {
				rs.next();
				return rs.getString(1);
			}
		});
		withAdminConnection(name, STATEMENT_SOCKET_TIMEOUT, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("SELECT group_replication_set_as_primary(?)")) {
				statement.setString(1, uuid);
				statement.executeQuery().close();
			}
			return null;
		});
		Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
		while (true) {
			ClusterNode primary = onlinePrimary(groupView());
			if (primary != null && primary.name().equals(name) && isWritable(name)) {
				return primary;
			}
			if (!Instant.now().isBefore(deadline)) {
				throw new IllegalStateException(name + " did not become the writable primary within 60 s; states: "
						+ memberStates() + "; " + this.servers.get(name).errorLogTail());
			}
			pause();
		}
	}

	private String describe() {
		StringBuilder description = new StringBuilder();
		for (LocalServers.Server server : this.servers.all()) {
			ClusterNode node = server.node();
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
	java.nio.file.Path directoryForTests() {
		return this.servers.directory();
	}

	@Override
	public void close() {
		this.servers.close();
		ClusterReaper.unregister(this);
	}

	private Connection connect(ClusterNode node, String schema) throws SQLException {
		// A frozen or dying member must not hang the polling loops.
		return connect(node, schema, POLL_SOCKET_TIMEOUT);
	}

	private Connection connect(ClusterNode node, String schema, Duration socketTimeout) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", this.adminUser.username());
		properties.setProperty("password", this.adminUser.password());
		properties.setProperty("connectTimeout", "5000");
		properties.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
		return DriverManager.getConnection(node.jdbcUrl(schema), properties);
	}

	/**
	 * Runs statements that may take long: {@code START GROUP_REPLICATION} returns only once the
	 * member has joined, which took over 10 s on a loaded two-core machine.
	 */
	private void execute(String name, String... statements) {
		withAdminConnection(name, STATEMENT_SOCKET_TIMEOUT, (connection) -> {
			try (Statement statement = connection.createStatement()) {
				for (String sql : statements) {
					statement.execute(sql);
				}
			}
			return null;
		});
	}

	private <T> T withAdminConnection(String name, AbstractMySqlReplicationCluster.ConnectionCallback<T> callback) {
		return withAdminConnection(name, POLL_SOCKET_TIMEOUT, callback);
	}

	private <T> T withAdminConnection(String name, Duration socketTimeout,
			AbstractMySqlReplicationCluster.ConnectionCallback<T> callback) {
		ClusterNode member = requireMember(name);
		try (Connection connection = connect(member, "", socketTimeout)) {
			return callback.doWith(connection);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run SQL on " + name + ": " + ex.getMessage() + "; "
					+ this.servers.get(name).errorLogTail(), ex);
		}
	}

}
