package io.github.rwsplit.routing;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.AbstractDataSource;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.statement.SqlClassifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Statement-by-statement routing over recording nodes: which node each statement ran on, what
 * each node's statements were asked to do, and how the connection's state carries over.
 */
class StatementRoutingConnectionTests {

	/** What every node was asked: "node: call". */
	private final List<String> log = Collections.synchronizedList(new ArrayList<>());

	private final RecordingNode primary = new RecordingNode("primary", this.log);

	private final RecordingNode replica = new RecordingNode("replica-1", this.log);

	private final ReplicaNode replicaNode = new ReplicaNode("replica-1", "default", 1, this.replica, () -> 0);

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary", this.primary,
			List.of(this.replicaNode), new RoutingTopology("primary", "default", List.of(this.replicaNode)),
			new RoundRobinReplicaSelector());

	{
		this.router.setAutocommitReads(Route.REPLICA, new SqlClassifier(List.of(), 16));
	}

	@AfterEach
	void forget() {
		ConsistencyContext.clear();
	}

	private List<String> executed() {
		return this.log.stream().filter((line) -> line.contains(": execute")).toList();
	}

	@Test
	void outsideTransactionsEachStatementGoesWhereItsClassSays() throws SQLException {
		try (Connection connection = this.router.getConnection()) {
			try (Statement statement = connection.createStatement()) {
				statement.executeQuery("SELECT 1");
				statement.executeUpdate("INSERT INTO t VALUES (1)");
			}
			try (PreparedStatement prepared = connection.prepareStatement("SELECT * FROM t WHERE id = ?")) {
				prepared.executeQuery();
			}
		}
		assertThat(executed()).containsExactly("replica-1: executeQuery SELECT 1", "primary: executeUpdate INSERT INTO t VALUES (1)",
				"primary: execute (prepared) SELECT * FROM t WHERE id = ?");
		// The read after the write went to the primary; both node connections were closed.
		assertThat(this.log).contains("replica-1: close connection", "primary: close connection");
		RouteCounts counts = this.router.view().routeCounts();
		assertThat(counts.route("replica-1", RouteReason.STATEMENT_READ).sum()).isEqualTo(1);
		assertThat(counts.route("primary", RouteReason.STATEMENT_WRITE).sum()).isEqualTo(1);
	}

	@Test
	void sessionStatePinsTheConnectionToThePrimary() throws SQLException {
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SET @x = 1");
			statement.executeQuery("SELECT 1");
			assertThat(connection.getCatalog()).isEqualTo("primary");
		}
		assertThat(executed()).containsExactly("primary: execute SET @x = 1", "primary: executeQuery SELECT 1");
		assertThat(this.router.view().routeCounts().route("primary", RouteReason.SESSION_STATE).sum()).isEqualTo(1);
	}

	@Test
	void autoCommitOffStartsATransactionOnThePrimary() throws SQLException {
		try (Connection connection = this.router.getConnection()) {
			connection.setAutoCommit(false);
			assertThat(connection.getAutoCommit()).isFalse();
			try (Statement statement = connection.createStatement()) {
				statement.executeQuery("SELECT 1");
			}
			connection.commit();
		}
		assertThat(this.log).containsSubsequence("primary: setAutoCommit false", "primary: executeQuery SELECT 1",
			"primary: commit");
		assertThat(this.log).noneMatch((line) -> line.startsWith("replica-1"));
	}

	@Test
	void settingsMadeBeforeTheFirstExecutionFollowTheStatementToItsNodes() throws SQLException {
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			statement.setFetchSize(50);
			statement.setQueryTimeout(3);
			statement.executeQuery("SELECT 1");
			statement.executeUpdate("DELETE FROM t");
			assertThat(statement.getConnection()).isSameAs(connection);
		}
		assertThat(this.log).containsSubsequence("replica-1: setFetchSize 50", "replica-1: setQueryTimeout 3",
				"replica-1: executeQuery SELECT 1", "primary: setFetchSize 50", "primary: setQueryTimeout 3",
				"primary: executeUpdate DELETE FROM t");
	}

	@Test
	void batchesRunOnThePrimary() throws SQLException {
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			statement.addBatch("INSERT INTO t VALUES (1)");
			statement.addBatch("INSERT INTO t VALUES (2)");
			statement.executeBatch();
		}
		assertThat(this.log).containsSubsequence("primary: addBatch INSERT INTO t VALUES (1)",
				"primary: addBatch INSERT INTO t VALUES (2)", "primary: executeBatch");
	}

	@Test
	void closedConnectionsAndStatementsRefuseWork() throws SQLException {
		Connection connection = this.router.getConnection();
		Statement statement = connection.createStatement();
		statement.close();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("SELECT 1"))
			.withMessageContaining("closed");
		connection.close();
		assertThat(connection.isClosed()).isTrue();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connection.prepareStatement("SELECT 1"))
			.withMessageContaining("closed");
	}

	@Test
	void insideARoutingScopeOrWithTheModeOffConnectionsAreTheNodesOwn() throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
				Connection connection = this.router.getConnection()) {
			assertThat(Proxy.isProxyClass(connection.getClass()) && Proxy.getInvocationHandler(connection) instanceof StatementRoutingConnection)
				.isFalse();
			assertThat(connection.getCatalog()).isEqualTo("replica-1");
		}
		try (RoutingContext.AutocommitReadsScope off = RoutingContext.autocommitReads(Route.PRIMARY);
				Connection connection = this.router.getConnection()) {
			assertThat(connection.getCatalog()).isEqualTo("primary");
			assertThat(this.router.view().routeCounts().route("primary", RouteReason.DEFAULT).sum()).isEqualTo(1);
		}
	}

	@Test
	@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
	void classificationsAreLoggedAtDebugWithLiteralsMasked(org.springframework.boot.test.system.CapturedOutput output)
			throws SQLException {
		org.springframework.boot.logging.LoggingSystem logging = org.springframework.boot.logging.LoggingSystem
			.get(getClass().getClassLoader());
		String logger = StatementRoutingConnection.class.getName();
		logging.setLogLevel(logger, org.springframework.boot.logging.LogLevel.DEBUG);
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			statement.executeQuery("SELECT * FROM users WHERE password = 'hunter2' FOR UPDATE");
		}
		finally {
			logging.setLogLevel(logger, null);
		}
		assertThat(output).contains("rwsplit: WRITE (a locking read (FOR UPDATE / FOR SHARE)): "
				+ "SELECT * FROM users WHERE password = ? FOR UPDATE")
			.doesNotContain("hunter2");
	}

	@Test
	void aReplicaConnectionThatRefusesTheIsolationLevelIsClosedNotLeaked() throws SQLException {
		this.replica.failing.add("setTransactionIsolation");
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("SELECT 1"))
				.withMessageContaining("setTransactionIsolation");
		}
		assertThat(this.replica.checkedOut()).isZero();
	}

	@Test
	void aPrimaryConnectionThatRefusesTheIsolationLevelIsClosedNotLeaked() throws SQLException {
		this.primary.failing.add("setTransactionIsolation");
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeUpdate("DELETE FROM t"))
				.withMessageContaining("setTransactionIsolation");
		}
		assertThat(this.primary.checkedOut()).isZero();
	}

	@Test
	void aPrimaryConnectionThatRefusesToLeaveAutoCommitIsClosedNotLeaked() throws SQLException {
		this.primary.failing.add("setAutoCommit");
		try (Connection connection = this.router.getConnection()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connection.setAutoCommit(false));
		}
		assertThat(this.primary.checkedOut()).isZero();
	}

	@Test
	void aReplicaConnectionWhoseStatementCannotBePreparedIsReleasedWithTheConnection() throws SQLException {
		this.replica.failing.add("prepareStatement");
		try (Connection connection = this.router.getConnection()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connection.prepareStatement("SELECT 1"));
			// The next read still works, on the same replica connection.
			try (Statement statement = connection.createStatement()) {
				statement.executeQuery("SELECT 2");
			}
		}
		assertThat(executed()).containsExactly("replica-1: executeQuery SELECT 2");
		assertThat(this.replica.checkedOut()).isZero();
	}

	@Test
	void aStatementWhoseSettingsCannotBeReplayedIsClosed() throws SQLException {
		this.replica.failingStatementCalls.add("setFetchSize");
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			statement.setFetchSize(50);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("SELECT 1"));
		}
		assertThat(this.replica.openStatements()).isZero();
		assertThat(this.replica.checkedOut()).isZero();
	}

	/** A node whose connections and statements record what they are asked. */
	static final class RecordingNode extends AbstractDataSource {

		private final String name;

		private final List<String> log;

		/** Connection methods that throw, as a driver's would on a broken connection. */
		final java.util.Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();

		/** Statement methods that throw. */
		final java.util.Set<String> failingStatementCalls = java.util.concurrent.ConcurrentHashMap.newKeySet();

		/** The SQL state the failing statement methods throw with. */
		volatile String failingStatementState = "HY000";

		private final java.util.concurrent.atomic.AtomicInteger checkedOut = new java.util.concurrent.atomic.AtomicInteger();

		private final java.util.concurrent.atomic.AtomicInteger openStatements = new java.util.concurrent.atomic.AtomicInteger();

		/** @return connections handed out and not closed */
		int checkedOut() {
			return this.checkedOut.get();
		}

		/** @return statements created and not closed */
		int openStatements() {
			return this.openStatements.get();
		}

		RecordingNode(String name, List<String> log) {
			this.name = name;
			this.log = log;
		}

		@Override
		public Connection getConnection() {
			this.checkedOut.incrementAndGet();
			java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						if (this.failing.contains(method.getName())) {
							throw new SQLException(this.name + ": " + method.getName() + " failed", "08S01");
						}
						return connectionCall(proxy, method, args, closed);
					});
		}

		private Object connectionCall(Object proxy, java.lang.reflect.Method method, Object[] args,
				java.util.concurrent.atomic.AtomicBoolean closed) {
			return switch (method.getName()) {
						case "getCatalog", "getSchema" -> this.name;
						case "createStatement" -> statement(Statement.class, null);
						case "prepareStatement" -> statement(PreparedStatement.class, (String) args[0]);
						case "close" -> {
							if (closed.compareAndSet(false, true)) {
								this.checkedOut.decrementAndGet();
							}
							this.log.add(this.name + ": close connection");
							yield null;
						}
						case "getAutoCommit", "isValid" -> true;
						case "isClosed", "isReadOnly" -> false;
						case "getTransactionIsolation" -> Connection.TRANSACTION_REPEATABLE_READ;
						case "hashCode" -> System.identityHashCode(proxy);
						case "equals" -> proxy == args[0];
						default -> {
							this.log.add(this.name + ": " + method.getName() + describe(args));
							yield null;
						}
					};
		}

		private Object statement(Class<? extends Statement> type, String preparedSql) {
			this.openStatements.incrementAndGet();
			java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
			return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type },
					(proxy, method, args) -> {
						String call = method.getName();
						if (this.failingStatementCalls.contains(call)) {
							throw new SQLException(this.name + ": " + call + " failed", this.failingStatementState);
						}
						if (call.equals("close") && closed.compareAndSet(false, true)) {
							this.openStatements.decrementAndGet();
						}
						if (preparedSql != null && call.startsWith("execute")) {
							this.log.add(this.name + ": execute (prepared) " + preparedSql);
						}
						else if (!call.equals("close") && !call.equals("hashCode") && !call.equals("equals")) {
							this.log.add(this.name + ": " + call + describe(args));
						}
						return switch (call) {
							case "execute" -> false;
							case "executeUpdate" -> 1;
							case "executeBatch" -> new int[0];
							case "hashCode" -> System.identityHashCode(proxy);
							case "equals" -> proxy == args[0];
							default -> null;
						};
					});
		}

		private static String describe(Object[] args) {
			if (args == null || args.length == 0) {
				return "";
			}
			return " " + String.join(" ", java.util.Arrays.stream(args).map(String::valueOf).toList());
		}

		@Override
		public Connection getConnection(String username, String password) {
			return getConnection();
		}

	}


}
