package io.github.rwsplit.it.statement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;

import io.github.rwsplit.annotation.AutocommitReads;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.routing.Route;
import io.github.rwsplit.routing.RouteCounts;
import io.github.rwsplit.routing.RouteReason;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rwsplit.routing.autocommit-reads=replica} on a real cluster: an application with a
 * {@code JdbcTemplate}, no annotations and no transactions. Which server answered is
 * {@code @@server_id}; what was written is checked on the primary directly. One test delays a
 * replica, so the class has a cluster of its own.
 */
@MySqlClusterTest(dedicated = true)
class AutocommitReadsIT {

	private static final long PRIMARY = 1;

	private static final Set<Long> REPLICAS = Set.of(2L, 3L);

	@BeforeAll
	static void createTable(MySqlReplicationCluster cluster) throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
	}

	@BeforeEach
	@AfterEach
	void forgetThisThreadsSession() {
		// A session token from another test's cluster would make reads wait for GTIDs no replica here has.
		ConsistencyContext.clear();
	}

	static ConfigurableApplicationContext start(MySqlReplicationCluster cluster, String... more) {
		Map<String, Object> properties = ItProperties.jdbcOnly(cluster);
		properties.put("rwsplit.routing.autocommit-reads", "replica");
		properties.put("rwsplit.monitor.max-lag", "10s");
		// Arguments outrank the test resources' application.properties (which turns Flyway off).
		String[] arguments = java.util.Arrays.stream(more).map((setting) -> "--" + setting).toArray(String[]::new);
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run(arguments);
	}

	private static long serverId(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	private static long serverId(Connection connection) throws java.sql.SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT @@server_id")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static long count(MySqlReplicationCluster cluster, String node, String where) throws Exception {
		try (Connection connection = cluster.openAdminConnection(node);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM notes WHERE " + where)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	@Test
	void readsAreAnsweredByReplicasAndWritesByThePrimary(MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext app = start(cluster)) {
			JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
			Set<Long> servers = new HashSet<>();
			for (int i = 0; i < 20; i++) {
				servers.add(serverId(jdbc));
			}
			assertThat(servers).isEqualTo(REPLICAS);
			// Prepared reads too, with and without comments.
			assertThat(jdbc.queryForObject("/* by id */ SELECT @@server_id FROM notes WHERE id = ? OR 1 = 1 LIMIT 1",
					Long.class, 1)).isIn(REPLICAS);

			assertThat(jdbc.update("INSERT INTO notes (v) VALUES (?)", "written")).isEqualTo(1);
			assertThat(count(cluster, "primary", "v = 'written'")).isEqualTo(1);
			// A locking read and a session function go to the primary.
			assertThat(jdbc.queryForObject("SELECT @@server_id FROM notes LIMIT 1 FOR UPDATE", Long.class)).isEqualTo(PRIMARY);
			assertThat(jdbc.queryForObject("SELECT @@server_id + 0 * CONNECTION_ID()", Long.class)).isEqualTo(PRIMARY);

			RouteCounts counts = app.getBean(RwsplitDataSource.class).getRouter().view().routeCounts();
			long replicaReads = counts.route("replica-1", RouteReason.STATEMENT_READ).sum()
					+ counts.route("replica-2", RouteReason.STATEMENT_READ).sum();
			assertThat(replicaReads).isGreaterThanOrEqualTo(21);
			assertThat(counts.route("primary", RouteReason.STATEMENT_WRITE).sum()).isGreaterThanOrEqualTo(3);
			assertThat(counts.route("primary", RouteReason.DEFAULT).sum()).isZero();
		}
	}

	@Test
	void lastInsertIdNamedLocksAndTemporaryTablesWorkOnOneConnection(MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext app = start(cluster)) {
			JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
			jdbc.execute((ConnectionCallback<Void>) (connection) -> {
				try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notes (v) VALUES ('id')",
						Statement.RETURN_GENERATED_KEYS)) {
					insert.executeUpdate();
					try (ResultSet keys = insert.getGeneratedKeys()) {
						keys.next();
						long generated = keys.getLong(1);
						try (Statement statement = connection.createStatement();
								ResultSet rs = statement.executeQuery("SELECT LAST_INSERT_ID()")) {
							rs.next();
							assertThat(rs.getLong(1)).isEqualTo(generated);
						}
					}
				}
				return null;
			});
			jdbc.execute((ConnectionCallback<Void>) (connection) -> {
				try (Statement statement = connection.createStatement()) {
					try (ResultSet rs = statement.executeQuery("SELECT GET_LOCK('rwsplit-it', 5)")) {
						rs.next();
						assertThat(rs.getInt(1)).isEqualTo(1);
					}
					// The lock is this session's, and every statement now runs where it was taken.
					try (ResultSet rs = statement.executeQuery("SELECT IS_USED_LOCK('rwsplit-it') = CONNECTION_ID()")) {
						rs.next();
						assertThat(rs.getInt(1)).isEqualTo(1);
					}
					assertThat(serverId(connection)).isEqualTo(PRIMARY);
					try (ResultSet rs = statement.executeQuery("SELECT RELEASE_LOCK('rwsplit-it')")) {
						rs.next();
						assertThat(rs.getInt(1)).isEqualTo(1);
					}
				}
				return null;
			});
			jdbc.execute((ConnectionCallback<Void>) (connection) -> {
				try (Statement statement = connection.createStatement()) {
					statement.execute("CREATE TEMPORARY TABLE scratch (id INT)");
					statement.executeUpdate("INSERT INTO scratch VALUES (1), (2)");
					try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM scratch")) {
						rs.next();
						assertThat(rs.getInt(1)).isEqualTo(2);
					}
					assertThat(serverId(connection)).isEqualTo(PRIMARY);
					statement.execute("DROP TEMPORARY TABLE scratch");
				}
				return null;
			});
			RouteCounts counts = app.getBean(RwsplitDataSource.class).getRouter().view().routeCounts();
			assertThat(counts.route("primary", RouteReason.SESSION_STATE).sum()).isGreaterThanOrEqualTo(1);
		}
	}

	@Test
	void aConnectionMayReadThenWriteAndAutoCommitOffStartsATransactionOnThePrimary(MySqlReplicationCluster cluster)
			throws Exception {
		try (ConfigurableApplicationContext app = start(cluster)) {
			JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
			List<Long> servers = jdbc.execute((ConnectionCallback<List<Long>>) (connection) -> {
				List<Long> seen = new ArrayList<>();
				seen.add(serverId(connection));
				try (Statement statement = connection.createStatement()) {
					assertThat(statement.executeUpdate("INSERT INTO notes (v) VALUES ('read-then-write')")).isEqualTo(1);
				}
				// After its write, this connection reads from the primary, which has it.
				seen.add(serverId(connection));
				try (Statement statement = connection.createStatement();
						ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM notes WHERE v = 'read-then-write'")) {
					rs.next();
					assertThat(rs.getLong(1)).isEqualTo(1);
				}
				return seen;
			});
			assertThat(servers.get(0)).isIn(REPLICAS);
			assertThat(servers.get(1)).isEqualTo(PRIMARY);
			assertThat(count(cluster, "primary", "v = 'read-then-write'")).isEqualTo(1);

			jdbc.execute((ConnectionCallback<Void>) (connection) -> {
				assertThat(serverId(connection)).isIn(REPLICAS);
				connection.setAutoCommit(false);
				try (Statement statement = connection.createStatement()) {
					statement.executeUpdate("INSERT INTO notes (v) VALUES ('rolled-back')");
					assertThat(serverId(connection)).isEqualTo(PRIMARY);
					try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM notes WHERE v = 'rolled-back'")) {
						rs.next();
						assertThat(rs.getLong(1)).isEqualTo(1);
					}
				}
				connection.rollback();
				connection.setAutoCommit(true);
				return null;
			});
			assertThat(count(cluster, "primary", "v = 'rolled-back'")).isZero();
		}
	}

	/** Writes then reads back, each its own JdbcTemplate call (its own connection), in one session. */
	private static int[] writeThenRead(JdbcTemplate jdbc, int trials) {
		int stale = 0;
		int onReplica = 0;
		for (int i = 0; i < trials; i++) {
			String value = "ryw-" + i;
			GeneratedKeyHolder key = new GeneratedKeyHolder();
			jdbc.update((connection) -> {
				PreparedStatement insert = connection.prepareStatement("INSERT INTO notes (v) VALUES (?)",
						Statement.RETURN_GENERATED_KEYS);
				insert.setString(1, value);
				return insert;
			}, key);
			List<Map<String, Object>> rows = jdbc.queryForList("SELECT v, @@server_id AS server FROM notes WHERE id = ?",
					key.getKey().longValue());
			Map<String, Object> row = rows.isEmpty() ? Map.of("v", "", "server", 0L) : rows.get(0);
			if (!value.equals(row.get("v"))) {
				stale++;
			}
			if (((Number) row.get("server")).longValue() != PRIMARY) {
				onReplica++;
			}
		}
		return new int[] { stale, onReplica };
	}

	@Test
	void readYourWritesHoldsWithAReplicaDelayed(MySqlReplicationCluster cluster) throws Exception {
		cluster.setReplicationDelay("replica-1", Duration.ofSeconds(2));
		try (ConfigurableApplicationContext gtid = start(cluster, "rwsplit.consistency.mode=gtid");
				ConfigurableApplicationContext eventual = start(cluster, "rwsplit.consistency.mode=eventual")) {
			int[] guarded = writeThenRead(gtid.getBean(JdbcTemplate.class), 200);
			ConsistencyContext.clear();
			int[] unguarded = writeThenRead(eventual.getBean(JdbcTemplate.class), 200);
			System.out.printf("rwsplit-measure autocommit-reads read-your-writes gtid stale=%d/200 on-replica=%d/200; "
					+ "eventual stale=%d/200 on-replica=%d/200%n", guarded[0], guarded[1], unguarded[0], unguarded[1]);
			assertThat(guarded[0]).isZero();
			assertThat(guarded[1]).isGreaterThanOrEqualTo(180);
			// Without read-your-writes the delayed replica answers about half the reads, without the row.
			assertThat(unguarded[0]).isPositive();
		}
		finally {
			cluster.setReplicationDelay("replica-1", Duration.ZERO);
		}
	}

	@Test
	void mixedStatementsFromManyThreadsNeverWriteOnAReplica(MySqlReplicationCluster cluster) throws Exception {
		// Eventual: with read-your-writes, each thread's reads after its writes would favour the replica least behind.
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.consistency.mode=eventual")) {
			JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
			long before = count(cluster, "primary", "v LIKE 'mixed-%'");
			ExecutorService threads = Executors.newFixedThreadPool(8);
			List<Future<Set<Long>>> results = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				results.add(threads.submit(() -> {
					Set<Long> readers = new HashSet<>();
					for (int i = 0; i < 50; i++) {
						jdbc.update("INSERT INTO notes (v) VALUES (?)", "mixed-" + thread + "-" + i);
						readers.add(jdbc.queryForObject("SELECT @@server_id FROM notes WHERE id > ? LIMIT 1", Long.class, 0));
						jdbc.update("UPDATE notes SET v = v WHERE id = -1");
						readers.add(serverId(jdbc));
					}
					return readers;
				}));
			}
			Set<Long> readers = new HashSet<>();
			for (Future<Set<Long>> result : results) {
				readers.addAll(result.get());
			}
			threads.shutdown();
			assertThat(readers).isEqualTo(REPLICAS);
			assertThat(count(cluster, "primary", "v LIKE 'mixed-%'") - before).isEqualTo(400);
			RouteCounts counts = app.getBean(RwsplitDataSource.class).getRouter().view().routeCounts();
			for (String replica : List.of("replica-1", "replica-2")) {
				for (RouteReason reason : List.of(RouteReason.STATEMENT_WRITE, RouteReason.SESSION_STATE)) {
					assertThat(counts.route(replica, reason).sum()).as(replica + " " + reason).isZero();
				}
			}
			assertThat(counts.route("primary", RouteReason.STATEMENT_WRITE).sum()).isEqualTo(800);
		}
	}

	@Test
	void migrationsAtStartUpRunOnThePrimaryAndTheModeStartsAfterwards(MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext app = start(cluster, "spring.flyway.enabled=true",
				"spring.flyway.locations=classpath:db/rwsplit-it", "spring.flyway.table=autocommit_flyway_history",
				"spring.flyway.baseline-on-migrate=true", "spring.flyway.baseline-version=0")) {
			RouteCounts counts = app.getBean(RwsplitDataSource.class).getRouter().view().routeCounts();
			// Flyway read its history and wrote its migration through the primary only.
			for (String replica : List.of("replica-1", "replica-2")) {
				for (RouteReason reason : RouteReason.values()) {
					assertThat(counts.route(replica, reason).sum()).as(replica + " " + reason).isZero();
				}
			}
			assertThat(counts.route("primary", RouteReason.DEFAULT).sum()).isPositive();
			JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("SELECT server_id FROM migration_origin WHERE id = 1", Long.class))
				.isEqualTo(PRIMARY);
			// Once started, reads go to replicas.
			assertThat(serverId(jdbc)).isIn(REPLICAS);
		}
	}

	@Test
	void anAnnotationOverridesTheSettingForOneMethod(MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext off = start(cluster, "rwsplit.routing.autocommit-reads=primary")) {
			Servers servers = off.getBean(Servers.class);
			assertThat(servers.plain()).isEqualTo(PRIMARY);
			assertThat(servers.onReplicas()).isIn(REPLICAS);
		}
		try (ConfigurableApplicationContext on = start(cluster)) {
			Servers servers = on.getBean(Servers.class);
			assertThat(servers.plain()).isIn(REPLICAS);
			assertThat(servers.onPrimary()).isEqualTo(PRIMARY);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Servers.class)
	static class App {

	}

	@Service
	static class Servers {

		private final JdbcTemplate jdbc;

		Servers(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		long plain() {
			return serverId(this.jdbc);
		}

		@AutocommitReads(Route.REPLICA)
		long onReplicas() {
			return serverId(this.jdbc);
		}

		@AutocommitReads(Route.PRIMARY)
		long onPrimary() {
			return serverId(this.jdbc);
		}

	}

}
