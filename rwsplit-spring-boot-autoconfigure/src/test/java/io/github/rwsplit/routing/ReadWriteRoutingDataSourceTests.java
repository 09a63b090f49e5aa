package io.github.rwsplit.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The routing rules with stub nodes and Spring's JDBC transaction manager: which node each unit
 * of work checks out from, without a database.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadWriteRoutingDataSourceTests {

	private final List<String> checkouts = new CopyOnWriteArrayList<>();

	private ReadWriteRoutingDataSource router;

	private RwsplitDataSource dataSource;

	private DataSourceTransactionManager transactionManager;

	@BeforeEach
	void setUp() {
		RoutingDiagnostics.reset();
		List<ReplicaNode> replicas = List.of(replica("replica-1", "default"), replica("replica-2", "default"),
				replica("reporting-1", "reporting"));
		this.router = new ReadWriteRoutingDataSource("primary", new StubDataSource("primary", this.checkouts), replicas,
				new RoutingTopology("primary", "default", replicas), new RoundRobinReplicaSelector());
		this.dataSource = new RwsplitDataSource(this.router, () -> {
		});
		this.transactionManager = new DataSourceTransactionManager(this.dataSource);
		this.transactionManager.addListener(new RoutingTransactionListener());
		// The lazy proxy reads the connection defaults from one checkout on first use.
		statement();
		this.checkouts.clear();
	}

	private ReplicaNode replica(String name, String group) {
		return new ReplicaNode(name, group, 1, new StubDataSource(name, this.checkouts), () -> 0);
	}

	/**
	 * Runs one statement's worth of work: the lazy proxy checks out from the router now, if this
	 * is the first statement of the transaction.
	 * @return the node the statement ran on
	 */
	private String statement() {
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			return connection.getCatalog();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	private <T> T inTransaction(boolean readOnly, int propagation, Supplier<T> work) {
		TransactionTemplate template = new TransactionTemplate(this.transactionManager);
		template.setReadOnly(readOnly);
		template.setPropagationBehavior(propagation);
		return template.execute((status) -> work.get());
	}

	private <T> T inTransaction(boolean readOnly, Supplier<T> work) {
		return inTransaction(readOnly, TransactionDefinition.PROPAGATION_REQUIRED, work);
	}

	@Test
	void noTransactionAndNoScopeGoesToThePrimary() {
		assertThat(statement()).isEqualTo("primary");
		assertThat(ReadWriteRoutingDataSource.lastRouteReason()).isEqualTo(RouteReason.DEFAULT);
	}

	@Test
	void readOnlyTransactionGoesToADefaultGroupReplica() {
		assertThat(inTransaction(true, this::statement)).isIn("replica-1", "replica-2");
		assertThat(ReadWriteRoutingDataSource.lastRouteReason()).isEqualTo(RouteReason.READ_ONLY_TRANSACTION);
	}

	@Test
	void readWriteTransactionGoesToThePrimary() {
		assertThat(inTransaction(false, this::statement)).isEqualTo("primary");
	}

	@Test
	void transactionChecksOutOnceAtItsFirstStatement() {
		List<String> nodes = inTransaction(true, () -> List.of(statement(), statement(), statement()));
		assertThat(nodes).containsOnly(nodes.get(0));
		assertThat(this.checkouts).hasSize(1);
	}

	@Test
	void scopeOutsideTransactionsRoutesAutocommitWork() {
		assertThat(RoutingContext.onReplica("reporting", this::statement)).isEqualTo("reporting-1");
		assertThat(RoutingContext.onReplica(this::statement)).isIn("replica-1", "replica-2");
		assertThat(statement()).isEqualTo("primary");
	}

	@Test
	void scopeEnteredBeforeATransactionDecidesItsRoute() {
		assertThat(RoutingContext.onReplica(() -> inTransaction(false, this::statement))).startsWith("replica-");
		assertThat(RoutingContext.onPrimary(() -> inTransaction(true, this::statement))).isEqualTo("primary");
		assertThat(ReadWriteRoutingDataSource.lastRouteReason()).isEqualTo(RouteReason.ANNOTATION);
	}

	@Test
	void routeListenerIsToldOnceForEachCheckoutThatServedWithNodeRoleGroupAndReason() {
		List<String> told = new CopyOnWriteArrayList<>();
		this.router.setRouteListener((node, route, group, reason) -> told.add(node + " " + route + " " + group + " " + reason.tag()));
		String replica = inTransaction(true, () -> {
			statement();
			return statement();
		});
		String reporting = RoutingContext.onReplica("reporting", this::statement);
		inTransaction(false, this::statement);
		this.router.setTopology(new RoutingTopology("primary", "default", List.of()));
		inTransaction(true, this::statement);
		assertThat(told).containsExactly(replica + " REPLICA default read-only-transaction",
				reporting + " REPLICA reporting annotation", "primary PRIMARY null default", "primary PRIMARY null fallback");
	}

	@Test
	void aRouteListenerThatThrowsDoesNotCostTheConnection() {
		this.router.setRouteListener((node, route, group, reason) -> {
			throw new IllegalStateException("the application's listener is broken");
		});
		assertThat(inTransaction(true, this::statement)).startsWith("replica-");
		assertThat(inTransaction(false, this::statement)).isEqualTo("primary");
		assertThat(this.checkouts).hasSize(2);
	}

	@Test
	void routeListenerIsNotToldOfACheckoutThatFailed() throws SQLException {
		DataSource refusingPool = org.mockito.Mockito.mock(DataSource.class);
		org.mockito.BDDMockito.given(refusingPool.getConnection())
			.willThrow(new java.sql.SQLTransientConnectionException("refusing - Connection is not available", "08001"));
		List<ReplicaNode> refusing = List.of(new ReplicaNode("refusing", "default", 1, refusingPool, () -> 0));
		ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary",
				new StubDataSource("primary", this.checkouts), refusing, new RoutingTopology("primary", "default", refusing),
				new RoundRobinReplicaSelector());
		List<String> told = new CopyOnWriteArrayList<>();
		router.setRouteListener((node, route, group, reason) -> told.add(node + " " + reason.tag()));
		try (Connection connection = RoutingContext.onReplica(() -> {
			try {
				return router.getConnection();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		})) {
			assertThat(connection.getCatalog()).isEqualTo("primary");
		}
		assertThat(told).containsExactly("primary fallback");
	}

	@Test
	void innermostScopeWins() {
		assertThat(RoutingContext.onReplica(() -> RoutingContext.onPrimary(this::statement))).isEqualTo("primary");
		assertThat(RoutingContext.onPrimary(() -> RoutingContext.onReplica("reporting", this::statement)))
			.isEqualTo("reporting-1");
	}

	@Test
	void scopeEnteredInsideARunningTransactionDoesNotMoveItAndIsReportedOnce(CapturedOutput output) {
		for (int i = 0; i < 2; i++) {
			assertThat(inTransaction(false, () -> RoutingContext.onReplica(this::statement))).isEqualTo("primary");
		}
		assertThat(output.getAll()).containsOnlyOnce("joined a transaction already routed to the primary");
	}

	@Test
	void scopeMatchingTheRunningTransactionIsNotReported(CapturedOutput output) {
		assertThat(inTransaction(false, () -> RoutingContext.onPrimary(this::statement))).isEqualTo("primary");
		assertThat(output.getAll()).doesNotContain("joined a transaction");
	}

	@Test
	void requiresNewTransactionRoutesOnItsOwnAndTheOuterKeepsItsRoute() {
		List<String> nodes = inTransaction(false, () -> {
			String before = statement();
			String inner = RoutingContext.onReplica(
					() -> inTransaction(false, TransactionDefinition.PROPAGATION_REQUIRES_NEW, this::statement));
			String after = statement();
			return List.of(before, inner, after);
		});
		assertThat(nodes.get(0)).isEqualTo("primary");
		assertThat(nodes.get(1)).startsWith("replica-");
		assertThat(nodes.get(2)).isEqualTo("primary");
	}

	@Test
	void readOnlyRequiresNewInsideAReadWriteTransactionGoesToAReplica() {
		assertThat(inTransaction(false,
				() -> inTransaction(true, TransactionDefinition.PROPAGATION_REQUIRES_NEW, this::statement)))
			.startsWith("replica-");
	}

	@Test
	void notSupportedSuspendsTheTransactionAndFollowsTheScope() {
		String node = inTransaction(false, () -> RoutingContext
			.onReplica(() -> inTransaction(false, TransactionDefinition.PROPAGATION_NOT_SUPPORTED, this::statement)));
		assertThat(node).startsWith("replica-");
	}

	@Test
	void emptyGroupFallsBackToThePrimary() {
		this.router.setTopology(new RoutingTopology("primary", "default", List.of()));
		assertThat(inTransaction(true, this::statement)).isEqualTo("primary");
		assertThat(ReadWriteRoutingDataSource.lastRouteReason()).isEqualTo(RouteReason.FALLBACK);
	}

	@Test
	void stateIsCleanAfterRollback() {
		try {
			inTransaction(true, () -> {
				statement();
				throw new IllegalStateException("boom");
			});
		}
		catch (IllegalStateException expected) {
			// rolled back
		}
		assertThat(RoutingContext.state().transaction).isNull();
		assertThat(inTransaction(false, this::statement)).isEqualTo("primary");
	}

	@Test
	void transactionManagerWithoutTheListenerFallsBackToTheFlagAndSaysSo(CapturedOutput output) {
		DataSourceTransactionManager bare = new DataSourceTransactionManager(this.dataSource);
		TransactionTemplate template = new TransactionTemplate(bare);
		template.setReadOnly(true);
		String node = template.execute((status) -> statement());
		assertThat(node).startsWith("replica-");
		assertThat(output.getAll()).contains("without rwsplit's RoutingTransactionListener");
	}

	@Test
	void closingAnOuterScopeAlsoClosesInnerScopesLeftOpenAndSaysSo(CapturedOutput output) {
		RoutingContext.Scope outer = RoutingContext.enter(Route.REPLICA, null, "outer");
		RoutingContext.enter(Route.PRIMARY, null, "inner");
		outer.close();
		assertThat(RoutingContext.state().scope).isNull();
		assertThat(statement()).isEqualTo("primary");
		assertThat(output.getAll()).contains("routing scope of outer was closed while a scope opened inside it was still open");
	}

	@Test
	void transactionWhoseEndWasNeverReportedDoesNotRouteLaterWork() {
		// A transaction manager that begins (and tells the listener) but whose end is lost.
		DataSourceTransactionManager manager = new DataSourceTransactionManager(this.dataSource);
		org.springframework.transaction.TransactionStatus status = this.transactionManager
			.getTransaction(readOnlyDefinition());
		assertThat(statement()).startsWith("replica-");
		RoutingContext.TransactionRoute stale = RoutingContext.state().transaction;
		manager.commit(status);
		assertThat(RoutingContext.state().transaction).isSameAs(stale);
		assertThat(RoutingContext.live(RoutingContext.state().transaction)).isNull();
		assertThat(inTransaction(false, this::statement)).isEqualTo("primary");
		assertThat(RoutingContext.state().transaction).isNull();
	}

	@Test
	void scopeThatRoutedWorkOfASuspendedTransactionIsNotReportedAsJoined(CapturedOutput output) {
		String node = inTransaction(false, () -> RoutingContext
			.onReplica(() -> inTransaction(false, TransactionDefinition.PROPAGATION_NOT_SUPPORTED, this::statement)));
		assertThat(node).startsWith("replica-");
		assertThat(output.getAll()).doesNotContain("joined a transaction");
	}

	@Test
	void topologyNamingUnknownNodesIsRejected() {
		ReplicaNode stranger = replica("replica-9", "default");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.router.setTopology(new RoutingTopology("primary", "default", List.of(stranger))))
			.withMessageContaining("replica-9");
	}

	private static TransactionDefinition readOnlyDefinition() {
		org.springframework.transaction.support.DefaultTransactionDefinition definition = new org.springframework.transaction.support.DefaultTransactionDefinition();
		definition.setReadOnly(true);
		return definition;
	}

	@Test
	void routerExposesEveryNodeForHealthChecks() {
		assertThat(this.router.getResolvedDataSources()).containsOnlyKeys("primary", "replica-1", "replica-2",
				"reporting-1");
		assertThat(this.router.getResolvedDataSources().values()).allMatch(DataSource.class::isInstance);
	}

}
