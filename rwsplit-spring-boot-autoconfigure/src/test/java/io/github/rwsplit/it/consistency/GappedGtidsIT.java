package io.github.rwsplit.it.consistency;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes and write barriers when a source's GTIDs have gaps, as under Group Replication
 * (GTIDs handed out in blocks per member: after an election a set reads {@code uuid:1-5:1000004}).
 * The gaps are made on an ordinary primary: the session commits some transactions with an explicit
 * {@code GTID_NEXT} far beyond the primary's numbering, so no server ever has the numbers between.
 * A token widened to {@code uuid:1-N} names those and is never satisfied; the real intervals are.
 * A cluster of its own, because its numbering is left gapped.
 */
@MySqlClusterTest(dedicated = true)
class GappedGtidsIT {

	private static String sourceUuid;

	@BeforeAll
	static void allowTheApplicationToChooseItsGtids(MySqlReplicationCluster cluster) throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE gapped (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)",
				// What a Group Replication member does for itself; here the application plays that part.
				"GRANT SESSION_VARIABLES_ADMIN ON *.* TO '" + cluster.appUser().username() + "'@'%'");
		try (Connection admin = cluster.openAdminConnection("primary");
				Statement statement = admin.createStatement();
				ResultSet rs = statement.executeQuery("SELECT @@server_uuid")) {
			rs.next();
			sourceUuid = rs.getString(1);
		}
	}

	@Test
	void aSessionWhoseCommitsStraddleGapsReadsItsWritesFromAReplicaAndItsBarriersAreMet(
			MySqlReplicationCluster cluster) {
		Map<String, Object> properties = ItProperties.fastMonitor(cluster, "rwsplit.consistency.mode=gtid");
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties(properties)
			.run();
				ConsistencyContext.Scope session = ConsistencyContext.open(ConsistencyToken.EMPTY,
						ConsistencyContext.TokenSink.NONE)) {
			Writes writes = app.getBean(Writes.class);
			ConsistencyTracker tracker = app.getBean(RwsplitDataSource.class).getRouter().view().consistencyTracker();

			writes.insert("before the gap");
			// Without the barrier's wait, a widened uuid:1-1000004 would fail here: no replica ever has it.
			writes.insertAs(sourceUuid + ":1000004", "after the first gap");
			writes.insert("numbered by the primary");
			writes.insertAs(sourceUuid + ":2000004", "after the second gap");

			GtidSet token = ConsistencyContext.currentToken().gtids();
			GtidSet primary = GtidSet.parse(cluster.gtidExecuted("primary"));
			System.out.printf("rwsplit-measure gapped token=%s primary=%s%n", token, primary);
			assertThat(primary.contains(token)).as("the token names only transactions that exist").isTrue();
			assertThat(token.contains(GtidSet.parse(sourceUuid + ":2000004"))).isTrue();

			long servedBefore = tracker.caughtUp.sum() + tracker.waited.sum();
			long timedOutBefore = tracker.waitTimedOut.sum();
			long primaryBefore = tracker.primary.sum();
			Read read = writes.read();
			assertThat(read.port()).as("served by a replica").isNotEqualTo(cluster.primary().port());
			assertThat(read.rows()).isEqualTo(4);
			assertThat(tracker.caughtUp.sum() + tracker.waited.sum()).isEqualTo(servedBefore + 1);
			assertThat(tracker.waitTimedOut.sum()).isEqualTo(timedOutBefore);
			assertThat(tracker.primary.sum()).isEqualTo(primaryBefore);
		}
	}

	record Read(int port, long rows) {
	}

	@Service
	static class Writes {

		private final JdbcTemplate jdbc;

		Writes(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public void insert(String value) {
			this.jdbc.update("INSERT INTO gapped (v) VALUES (?)", value);
		}

		/** An autocommit insert under a GTID of our choosing; the barrier waits for one replica. */
		@io.github.rwsplit.annotation.Primary(awaitReplicas = 1, awaitTimeout = "5s")
		public void insertAs(String gtid, String value) {
			this.jdbc.execute((ConnectionCallback<Void>) (connection) -> {
				try (Statement statement = connection.createStatement()) {
					statement.execute("SET GTID_NEXT = '" + gtid + "'");
					try {
						statement.executeUpdate("INSERT INTO gapped (v) VALUES ('" + value + "')");
					}
					finally {
						// The pool's next borrower must get numbers from the primary again.
						statement.execute("SET GTID_NEXT = 'AUTOMATIC'");
					}
				}
				return null;
			});
		}

		@Transactional(readOnly = true)
		public Read read() {
			Integer port = this.jdbc.queryForObject("SELECT @@port", Integer.class);
			Long rows = this.jdbc.queryForObject("SELECT COUNT(*) FROM gapped", Long.class);
			return new Read(port, rows);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Writes.class)
	static class App {

	}

}
