package io.github.rwsplit.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.routing.RoutingContext;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every routing rule against the real cluster, with JdbcTemplate and Spring's JDBC transaction
 * manager (JPA is switched off here; {@code JpaRoutingIT} covers it): which server answered is read
 * with {@code @@server_id} on the very connection that did the work.
 */
@SpringBootTest(classes = RoutingIT.TestApplication.class, properties = {
		"spring.autoconfigure.exclude=" + ItProperties.EXCLUDE_JPA,
		// The routing rules alone; read-your-writes, which adds to them, is ConsistencyIT's.
		"rwsplit.consistency.mode=eventual" })
@ExtendWith(OutputCaptureExtension.class)
class RoutingIT {

	static final long PRIMARY = 1;

	static final Set<Long> REPLICAS = Set.of(2L, 3L);

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		RwsplitClusterProperties.of(SharedMySqlCluster.get()).forEach((name, value) -> registry.add(name, () -> value));
	}

	@BeforeAll
	static void createTable() throws SQLException {
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE IF NOT EXISTS routing_it (id VARCHAR(36) PRIMARY KEY, origin BIGINT)");
	}

	@Autowired
	Probe probe;

	@Autowired
	Outer outer;

	@Autowired
	ClassLevel classLevel;

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void dataSourceIsTheLazyProxyInFrontOfTheRouter(
			@Autowired org.springframework.transaction.PlatformTransactionManager transactionManager) {
		assertThat(this.dataSource).isInstanceOf(RwsplitDataSource.class);
		assertThat(transactionManager).isInstanceOf(org.springframework.jdbc.support.JdbcTransactionManager.class);
	}

	@Test
	void readOnlyTransactionRunsOnAReplica() {
		assertThat(this.probe.readOnlyTransaction()).isIn(REPLICAS);
	}

	@Test
	void readWriteTransactionRunsOnThePrimary() {
		assertThat(this.probe.readWriteTransaction()).isEqualTo(PRIMARY);
	}

	@Test
	void workOutsideATransactionRunsOnThePrimary() {
		assertThat(this.jdbc.queryForObject("SELECT @@server_id", Long.class)).isEqualTo(PRIMARY);
		String id = UUID.randomUUID().toString();
		this.jdbc.update("INSERT INTO routing_it VALUES (?, @@server_id)", id);
		assertThat(originOnPrimary(id)).isEqualTo(PRIMARY);
	}

	@Test
	void readReplicaWithoutATransactionRunsOnAReplica() {
		assertThat(this.probe.readReplicaWithoutTransaction()).isIn(REPLICAS);
	}

	@Test
	void readReplicaOnAClassAppliesToItsMethods() {
		assertThat(this.classLevel.serverId()).isIn(REPLICAS);
		assertThat(this.classLevel.primaryWins()).isEqualTo(PRIMARY);
	}

	@Test
	void primaryAnnotationWinsOverAReadOnlyTransaction() {
		assertThat(this.probe.primaryReadOnlyTransaction()).isEqualTo(PRIMARY);
	}

	@Test
	void readReplicaAnnotationWinsOverAReadWriteTransaction() {
		assertThat(this.probe.readReplicaReadWriteTransaction()).isIn(REPLICAS);
	}

	@Test
	void innermostAnnotationWins() {
		assertThat(this.outer.replicaCallingPrimary()).isEqualTo(PRIMARY);
		assertThat(this.outer.primaryCallingReplica()).isIn(REPLICAS);
	}

	@Test
	void everyStatementOfATransactionRunsOnOneNode() {
		List<Long> ids = this.probe.severalStatementsInReadOnlyTransaction();
		assertThat(ids).hasSize(5).containsOnly(ids.get(0));
		assertThat(ids.get(0)).isIn(REPLICAS);
	}

	@Test
	void readReplicaJoiningAReadWriteTransactionDoesNotMoveItAndIsReportedOnce(CapturedOutput output) {
		String id = UUID.randomUUID().toString();
		Outer.Observed observed = this.outer.readWriteCallingReadReplicaFirst(id);
		assertThat(observed.insideReadReplica()).isEqualTo(PRIMARY);
		assertThat(observed.transaction()).isEqualTo(PRIMARY);
		assertThat(originOnPrimary(id)).isEqualTo(PRIMARY);
		this.outer.readWriteCallingReadReplicaFirst(UUID.randomUUID().toString());
		String warning = "Probe.joinedReadReplica() asks for a replica of group '(default)' but joined a transaction "
				+ "already routed to the primary";
		assertThat(output.getAll()).containsOnlyOnce(warning);
	}

	@Test
	void requiresNewInnerTransactionRoutesOnItsOwn() {
		Outer.Observed observed = this.outer.readWriteCallingRequiresNewReadOnly();
		assertThat(observed.insideReadReplica()).isIn(REPLICAS);
		assertThat(observed.transaction()).isEqualTo(PRIMARY);
	}

	@Test
	void programmaticScopesWorkLikeTheAnnotations() {
		assertThat(RoutingContext.onReplica(this.probe::readWriteTransaction)).isIn(REPLICAS);
		assertThat(RoutingContext.onPrimary(this.probe::readOnlyTransaction)).isEqualTo(PRIMARY);
	}

	@Test
	void writeOnAReplicaRouteFailsNamingTheNodeAndWritesNothing() throws SQLException {
		String id = UUID.randomUUID().toString();
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> this.probe.writeUnderReadReplica(id))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage())
				.matches("(?s)rwsplit: write refused on replica 'replica-[12]': this work was routed to a read-only "
						+ "replica \\(reason: annotation\\).*Nothing was written.*"));
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> this.probe.writeInReadOnlyTransaction(id))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage()).contains("(reason: read-only-transaction)"));
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		for (ClusterNode node : cluster.nodes()) {
			try (Connection connection = cluster.openAdminConnection(node.name());
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM routing_it WHERE id = '" + id + "'")) {
				rs.next();
				assertThat(rs.getInt(1)).as(node.name()).isZero();
			}
		}
	}

	@Test
	void replicaSessionsAreReadOnlyOnTheServerWithoutATogglePerTransaction() throws SQLException {
		for (int i = 0; i < 4; i++) {
			assertThat(this.probe.sessionReadOnlyInReadOnlyTransaction()).isEqualTo(1);
		}
		// Even with the driver's flag off, the replica's session refuses writes on the server.
		var router = ((RwsplitDataSource) this.dataSource).getRouter();
		try (Connection connection = router.getResolvedDataSources().get("replica-1").getConnection();
				Statement statement = connection.createStatement()) {
			connection.setReadOnly(false);
			try (ResultSet rs = statement.executeQuery("SELECT @@session.transaction_read_only")) {
				rs.next();
				assertThat(rs.getInt(1)).isEqualTo(1);
			}
		}
		// A read-only transaction costs the statements plain HikariCP sends (autocommit off, the query, commit,
		// autocommit on), not three more SET SESSION TRANSACTION READ ONLY / READ WRITE round trips.
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		long before = questions(cluster, "replica-1") + questions(cluster, "replica-2");
		for (int i = 0; i < 100; i++) {
			this.probe.readOnlyTransaction();
		}
		long sent = questions(cluster, "replica-1") + questions(cluster, "replica-2") - before;
		// 400 for the transactions; a little room for the lag monitor's checks and the two status queries.
		assertThat(sent).isBetween(400L, 450L);
	}

	private static long questions(MySqlReplicationCluster cluster, String node) throws SQLException {
		try (Connection connection = cluster.openAdminConnection(node);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Questions'")) {
			rs.next();
			return rs.getLong(2);
		}
	}

	@Test
	void readsAreSpreadOverBothReplicasRoundRobin() {
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			ids.add(this.probe.readOnlyTransaction());
		}
		assertThat(ids).containsOnly(2L, 3L);
		assertThat(ids.stream().filter((id) -> id == 2L).count()).isEqualTo(5);
	}

	@Test
	void concurrentMixOfReadOnlyAndReadWriteTransactionsIsNeverMisrouted() throws Exception {
		AtomicInteger misrouted = new AtomicInteger();
		Set<Long> replicasUsed = ConcurrentHashMap.newKeySet();
		List<String> written = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<List<String>>> futures = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				futures.add(pool.submit(() -> {
					List<String> mine = new ArrayList<>();
					for (int i = 0; i < 50; i++) {
						if (i % 3 == 0) {
							String id = UUID.randomUUID().toString();
							long origin = this.probe.insertInReadWriteTransaction(id);
							mine.add(id);
							if (origin != PRIMARY) {
								misrouted.incrementAndGet();
							}
						}
						else {
							long served = this.probe.readOnlyTransaction();
							replicasUsed.add(served);
							if (!REPLICAS.contains(served)) {
								misrouted.incrementAndGet();
							}
						}
					}
					return mine;
				}));
			}
			for (Future<List<String>> future : futures) {
				written.addAll(future.get());
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(misrouted).hasValue(0);
		assertThat(replicasUsed).isEqualTo(REPLICAS);
		assertThat(written).hasSize(8 * 17);
		for (String id : written) {
			assertThat(originOnPrimary(id)).isEqualTo(PRIMARY);
		}
	}

	@Test
	void databaseHealthFollowsThePrimaryAndCountsTheReplicasInRotation(
			@Autowired @Qualifier("dbHealthContributor") HealthContributor db) {
		// One dead replica must not take the application out of a load balancer: db health is the
		// primary's, from the monitor's snapshot; the replicas are details (issue "fails well").
		assertThat(db).isInstanceOf(org.springframework.boot.health.contributor.HealthIndicator.class);
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
			var health = ((org.springframework.boot.health.contributor.HealthIndicator) db).health();
			assertThat(health.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
			assertThat(health.getDetails()).containsEntry("primary", "UP")
				.containsEntry("replicasInRotation", "2 of 2");
		});
	}

	private Long originOnPrimary(String id) {
		return this.jdbc.queryForObject("SELECT origin FROM routing_it WHERE id = ?", Long.class, id);
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && !(cause instanceof SQLException
				&& cause.getMessage() != null && cause.getMessage().startsWith("rwsplit:"))) {
			cause = cause.getCause();
		}
		return cause;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Probe.class, Outer.class, ClassLevel.class })
	static class TestApplication {

	}

	@Service
	static class Probe {

		final JdbcTemplate jdbc;

		Probe(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		public long serverId() {
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

		@Transactional(readOnly = true)
		public int sessionReadOnlyInReadOnlyTransaction() {
			return this.jdbc.queryForObject("SELECT @@session.transaction_read_only", Integer.class);
		}

		@Transactional(readOnly = true)
		public long readOnlyTransaction() {
			return serverId();
		}

		@Transactional
		public long readWriteTransaction() {
			return serverId();
		}

		@ReadReplica
		public long readReplicaWithoutTransaction() {
			return serverId();
		}

		@Primary
		@Transactional(readOnly = true)
		public long primaryReadOnlyTransaction() {
			return serverId();
		}

		@ReadReplica
		@Transactional
		public long readReplicaReadWriteTransaction() {
			return serverId();
		}

		@ReadReplica
		public long joinedReadReplica() {
			return serverId();
		}

		@ReadReplica
		@Transactional(propagation = Propagation.REQUIRES_NEW, readOnly = true)
		public long requiresNewReadOnly() {
			return serverId();
		}

		@Transactional(readOnly = true)
		public List<Long> severalStatementsInReadOnlyTransaction() {
			List<Long> ids = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				ids.add(serverId());
			}
			return ids;
		}

		@ReadReplica
		@Transactional
		public void writeUnderReadReplica(String id) {
			this.jdbc.update("INSERT INTO routing_it VALUES (?, @@server_id)", id);
		}

		@Transactional(readOnly = true)
		public void writeInReadOnlyTransaction(String id) {
			this.jdbc.update("INSERT INTO routing_it VALUES (?, @@server_id)", id);
		}

		public void insert(String id) {
			this.jdbc.update("INSERT INTO routing_it VALUES (?, @@server_id)", id);
		}

		@Transactional
		public long insertInReadWriteTransaction(String id) {
			this.jdbc.update("INSERT INTO routing_it VALUES (?, @@server_id)", id);
			return serverId();
		}

	}

	@ReadReplica
	static class ClassLevel {

		final Probe probe;

		ClassLevel(Probe probe) {
			this.probe = probe;
		}

		public long serverId() {
			return this.probe.serverId();
		}

		@Primary
		public long primaryWins() {
			return this.probe.serverId();
		}

	}

	@Service
	static class Outer {

		final Probe probe;

		final ClassLevel classLevel;

		Outer(Probe probe, ClassLevel classLevel) {
			this.probe = probe;
			this.classLevel = classLevel;
		}

		record Observed(long insideReadReplica, long transaction) {
		}

		@Transactional
		public Observed readWriteCallingReadReplicaFirst(String id) {
			long inside = this.probe.joinedReadReplica();
			this.probe.insert(id);
			return new Observed(inside, this.probe.serverId());
		}

		@Transactional
		public Observed readWriteCallingRequiresNewReadOnly() {
			long inside = this.probe.requiresNewReadOnly();
			return new Observed(inside, this.probe.serverId());
		}

		@ReadReplica
		public long replicaCallingPrimary() {
			return this.classLevel.primaryWins();
		}

		@Primary
		public long primaryCallingReplica() {
			return this.classLevel.serverId();
		}

	}

}
