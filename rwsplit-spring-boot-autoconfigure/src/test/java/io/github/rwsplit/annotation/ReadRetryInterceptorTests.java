package io.github.rwsplit.annotation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which methods the read-retry interceptor may run again, and that it runs a failed one exactly
 * once more, through the interceptors inside it, on the other replica.
 */
class ReadRetryInterceptorTests {

	private final ReadRetryInterceptor interceptor = new ReadRetryInterceptor();

	@AfterEach
	void forget() {
		ConsistencyContext.clear();
	}

	static class Reads {

		@ReadReplica
		public void replica() {
		}

		@ReadReplica(retry = false)
		public void replicaWithoutRetry() {
		}

		@Transactional(readOnly = true)
		public void readOnlyTransaction() {
		}

		@ReadReplica(retry = false)
		@Transactional(readOnly = true)
		public void readOnlyTransactionWithoutRetry() {
		}

		@Transactional
		public void readWriteTransaction() {
		}

		@Primary
		@Transactional(readOnly = true)
		public void readOnlyOnThePrimary() {
		}

	}

	@Test
	void retriesReplicaAndReadOnlyTransactionalMethodsUnlessOptedOut() throws Exception {
		assertThat(eligible("replica")).isTrue();
		assertThat(eligible("readOnlyTransaction")).isTrue();
		assertThat(eligible("replicaWithoutRetry")).isFalse();
		assertThat(eligible("readOnlyTransactionWithoutRetry")).isFalse();
		assertThat(eligible("readWriteTransaction")).isFalse();
		assertThat(eligible("readOnlyOnThePrimary")).isFalse();
	}

	private boolean eligible(String method) throws NoSuchMethodException {
		return this.interceptor.resolve(Reads.class.getMethod(method), Reads.class);
	}

	/** A service whose first call loses its replica connection after reading. */
	public static class FlakyService {

		final List<String> nodes = new ArrayList<>();

		final DataSource dataSource;

		final boolean alwaysFails;

		FlakyService(DataSource dataSource, boolean alwaysFails) {
			this.dataSource = dataSource;
			this.alwaysFails = alwaysFails;
		}

		@ReadReplica
		public String read() throws SQLException {
			try (Connection connection = this.dataSource.getConnection()) {
				this.nodes.add(ReadWriteRoutingDataSource.lastRoutedNode());
			}
			if (this.alwaysFails || this.nodes.size() == 1) {
				throw new SQLException("Communications link failure", "08S01");
			}
			return "ok";
		}

	}

	private ReadWriteRoutingDataSource router() {
		List<ReplicaNode> replicas = List.of(
				new ReplicaNode("replica-1", "default", 1, new StubDataSource("replica-1"), () -> 0),
				new ReplicaNode("replica-2", "default", 1, new StubDataSource("replica-2"), () -> 0));
		return new ReadWriteRoutingDataSource("primary", new StubDataSource("primary"), replicas,
				new RoutingTopology("primary", "default", replicas), new RoundRobinReplicaSelector());
	}

	private FlakyService proxy(FlakyService target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		// The order the advisors give: retry outside the routing scope.
		factory.addAdvice(this.interceptor);
		factory.addAdvice(new RoutingAnnotationInterceptor("default"));
		return (FlakyService) factory.getProxy();
	}

	@Test
	void aMethodThatLostItsReplicaRunsOnceMoreOnTheOtherReplica() throws SQLException {
		ReadWriteRoutingDataSource router = router();
		FlakyService target = new FlakyService(router, false);
		assertThat(proxy(target).read()).isEqualTo("ok");
		assertThat(target.nodes).hasSize(2);
		assertThat(target.nodes.get(1)).isNotEqualTo(target.nodes.get(0)).startsWith("replica-");
		assertThat(router.view().routeCounts().readRetries(target.nodes.get(0))).containsEntry("succeeded", 1L);
	}

	@Test
	void aMethodRunsAtMostTwiceAndTheSecondFailureReachesTheCaller() {
		ReadWriteRoutingDataSource router = router();
		FlakyService target = new FlakyService(router, true);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> proxy(target).read())
			.satisfies((ex) -> assertThat(ex.getSuppressed()).hasSize(1));
		assertThat(target.nodes).hasSize(2);
		assertThat(router.view().routeCounts().readRetries(target.nodes.get(0))).containsEntry("failed", 1L);
	}

	@Test
	void withRetriesOffTheFirstFailureReachesTheCaller() {
		ReadWriteRoutingDataSource router = router();
		router.setRetryReads(false);
		FlakyService target = new FlakyService(router, false);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> proxy(target).read());
		assertThat(target.nodes).hasSize(1);
	}

}
