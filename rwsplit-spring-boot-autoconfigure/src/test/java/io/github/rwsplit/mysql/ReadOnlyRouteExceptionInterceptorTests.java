package io.github.rwsplit.mysql;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.routing.CheckoutFailureListener;
import io.github.rwsplit.routing.ConnectionFailureSignals;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RoutingTopology;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a failed statement means on each role of connection: a primary that turned read-only is a
 * role change, told to the router at once; a replica refusing a write is a misrouted write. Fed
 * the exceptions Connector/J would build from MySQL's errors; no server.
 */
class ReadOnlyRouteExceptionInterceptorTests {

	private static final String SERVER_READ_ONLY = "The MySQL server is running with the --super-read-only option so it "
			+ "cannot execute this statement";

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary",
			new SimpleDriverDataSource(), List.of(), new RoutingTopology("primary", "default", List.of()),
			new RoundRobinReplicaSelector());

	private final List<String> signals = new CopyOnWriteArrayList<>();

	{
		this.router.setCheckoutFailureListener(new CheckoutFailureListener() {

			@Override
			public void checkoutFailed(String node, SQLException failure) {
				ReadOnlyRouteExceptionInterceptorTests.this.signals.add("checkout failed on " + node);
			}

			@Override
			public void connectionLost(String node, SQLException failure) {
				ReadOnlyRouteExceptionInterceptorTests.this.signals.add("connection lost on " + node);
			}

			@Override
			public void primaryReadOnly(String node, SQLException failure) {
				ReadOnlyRouteExceptionInterceptorTests.this.signals.add("read-only primary " + node);
			}

		});
	}

	@AfterEach
	void closeRouter() {
		this.router.close();
	}

	private ReadOnlyRouteExceptionInterceptor interceptor(String node, String role, boolean withRouter) {
		Properties properties = new Properties();
		properties.setProperty(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY, node);
		if (role != null) {
			properties.setProperty(ReadOnlyRouteExceptionInterceptor.ROLE_PROPERTY, role);
		}
		if (withRouter) {
			properties.setProperty(ConnectionFailureSignals.ROUTER_PROPERTY, this.router.getId());
		}
		return (ReadOnlyRouteExceptionInterceptor) new ReadOnlyRouteExceptionInterceptor().init(properties, null);
	}

	private ReadOnlyRouteExceptionInterceptor primary(String node) {
		return interceptor(node, ReadOnlyRouteExceptionInterceptor.PRIMARY_ROLE, true);
	}

	@Test
	void aPrimaryRefusingAWriteAsReadOnlySaysThePrimaryChangedAndAsksForARecheck() {
		SQLException mysql = new SQLException(SERVER_READ_ONLY, "HY000", 1290);
		Exception result = primary("replica-1").interceptException(mysql);
		assertThat(result).isInstanceOf(java.sql.SQLTransientConnectionException.class).hasCause(mysql);
		SQLException rewritten = (SQLException) result;
		assertThat(rewritten.getMessage()).isEqualTo("rwsplit: 'replica-1' no longer accepts writes: it is read-only "
				+ "now, so the primary has probably changed; rwsplit re-checks the roles at once and sends new work to "
				+ "the new primary. This statement changed nothing; the transaction cannot commit here, so run it again"
				+ " from the start. MySQL said: " + SERVER_READ_ONLY);
		assertThat(rewritten.getSQLState()).isEqualTo("HY000");
		assertThat(rewritten.getErrorCode()).isEqualTo(1290);
		assertThat(this.signals).containsExactly("read-only primary replica-1");
	}

	@Test
	void aRewrittenRefusalPassingThroughAgainIsLeftAsItIsAndSignalledOnce() {
		ReadOnlyRouteExceptionInterceptor interceptor = primary("primary");
		Exception once = interceptor.interceptException(new SQLException(SERVER_READ_ONLY, "HY000", 1290));
		assertThat(interceptor.interceptException(once)).isSameAs(once);
		assertThat(this.signals).containsExactly("read-only primary primary");
	}

	@Test
	void aReadOnlyTransactionOnThePrimaryIsNotARoleChange() {
		ReadOnlyRouteExceptionInterceptor interceptor = primary("primary");
		SQLException transaction = new SQLException("Cannot execute statement in a READ ONLY transaction.", "25006",
				1792);
		SQLException client = new SQLException(
				"Connection is read-only. Queries leading to data modification are not allowed.", "S1009", 0);
		assertThat(interceptor.interceptException(transaction)).isSameAs(transaction);
		assertThat(interceptor.interceptException(client)).isSameAs(client);
		assertThat(this.signals).isEmpty();
	}

	@Test
	void otherOptionsThatPreventAStatementOnThePrimaryAreNotARoleChange() {
		SQLException securePriv = new SQLException(
				"The MySQL server is running with the --secure-file-priv option so it cannot execute this statement",
				"HY000", 1290);
		assertThat(primary("primary").interceptException(securePriv)).isSameAs(securePriv);
		assertThat(this.signals).isEmpty();
	}

	@Test
	void aLostPrimaryConnectionAsksForARecheckAndIsLeftAsItIs() {
		SQLException lost = new SQLException("Communications link failure", "08S01", 0);
		assertThat(primary("primary").interceptException(lost)).isSameAs(lost);
		assertThat(this.signals).containsExactly("connection lost on primary");
	}

	@Test
	void aPrimaryConnectionWithoutARouterStillSaysWhatHappened() {
		Exception result = interceptor("primary", ReadOnlyRouteExceptionInterceptor.PRIMARY_ROLE, false)
			.interceptException(new SQLException(SERVER_READ_ONLY, "HY000", 1290));
		assertThat(result).isInstanceOf(SQLTransientException.class)
			.hasMessageStartingWith("rwsplit: 'primary' no longer accepts writes");
		assertThat(this.signals).isEmpty();
	}

	@Test
	void aReplicaRefusingAWriteIsAMisroutedWriteNotARoleChange() {
		for (String role : new String[] { null, ReadOnlyRouteExceptionInterceptor.REPLICA_ROLE }) {
			SQLException mysql = new SQLException(SERVER_READ_ONLY, "HY000", 1290);
			Exception result = interceptor("replica-1", role, true).interceptException(mysql);
			assertThat(result).isNotInstanceOf(SQLTransientException.class)
				.hasMessageStartingWith("rwsplit: write refused on replica 'replica-1': this work was routed to a "
						+ "read-only replica")
				.hasMessageEndingWith("MySQL said: " + SERVER_READ_ONLY)
				.hasCause(mysql);
			assertThat(((SQLException) result).getErrorCode()).isEqualTo(1290);
			assertThat(((SQLException) result).getSQLState()).isEqualTo("HY000");
		}
		SQLException transaction = new SQLException("Cannot execute statement in a READ ONLY transaction.", "25006",
				1792);
		assertThat(interceptor("replica-1", null, true).interceptException(transaction))
			.hasMessageStartingWith("rwsplit: write refused on replica 'replica-1'");
		assertThat(this.signals).isEmpty();
	}

	@Test
	void aLostReplicaConnectionIsSignalledAndLeftAsItIs() {
		SQLException lost = new SQLException("Communications link failure", "08S01", 0);
		assertThat(interceptor("replica-2", null, true).interceptException(lost)).isSameAs(lost);
		assertThat(this.signals).containsExactly("connection lost on replica-2");
	}

	@Test
	void exceptionsOtherThanSqlExceptionsAreLeftAsTheyAre() {
		IllegalStateException other = new IllegalStateException("not SQL");
		assertThat(primary("primary").interceptException(other)).isSameAs(other);
		assertThat(interceptor("replica-1", null, true).interceptException(other)).isSameAs(other);
		assertThat(this.signals).isEmpty();
	}

}
