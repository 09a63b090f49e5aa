package io.github.rwsplit.it.startup;

import java.util.Map;

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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.barrier.BarrierResult;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up and degraded states on the shared cluster: what rwsplit does when work commits nothing,
 * how {@code consistency.mode=auto} is resolved, and what a primary that refuses at start-up
 * looks like. Nothing here breaks a node: a refused primary is a wrong port or password.
 */
@MySqlClusterTest
class StartupAndDegradedIT {

	@BeforeEach
	@AfterEach
	void forgetThisThreadsSession() {
		ConsistencyContext.clear();
	}

	@BeforeAll
	static void createTables(MySqlReplicationCluster cluster) throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE IF NOT EXISTS startup_notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
	}

	static ConfigurableApplicationContext start(MySqlReplicationCluster cluster, String... more) {
		Map<String, Object> properties = ItProperties.fastMonitor(cluster, more);
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
	}

	@Test
	void aBarrierOnAnUpdateThatChangedNoRowHasNothingToAwait(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster)) {
			Notes notes = app.getBean(Notes.class);
			WriteBarrier barrier = app.getBean(WriteBarrier.class);
			long id = notes.insert("same");
			// A new session: its next commit records a write time (a write moments after another is coalesced).
			ConsistencyContext.clear();
			long before = barrier.outcomes(BarrierResult.Outcome.NOTHING_TO_AWAIT).sum();
			// MySQL gives a transaction that changed no row no GTID: there is nothing to wait for.
			notes.setValueAndAwaitReplicas(id, "same");
			assertThat(barrier.outcomes(BarrierResult.Outcome.NOTHING_TO_AWAIT).sum()).isEqualTo(before + 1);
			assertThat(barrier.outcomes(BarrierResult.Outcome.NO_GTID).sum()).isZero();
			// A real change still waits for its GTID.
			long met = barrier.outcomes(BarrierResult.Outcome.MET).sum();
			notes.setValueAndAwaitReplicas(id, "changed");
			assertThat(barrier.outcomes(BarrierResult.Outcome.MET).sum()).isEqualTo(met + 1);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Notes.class)
	static class App {

	}

	@Service
	static class Notes {

		private final JdbcTemplate jdbc;

		Notes(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		long insert(String value) {
			this.jdbc.update("INSERT INTO startup_notes (v) VALUES (?)", value);
			return this.jdbc.queryForObject("SELECT LAST_INSERT_ID()", Long.class);
		}

		@Primary(awaitReplicas = 1)
		@Transactional
		void setValueAndAwaitReplicas(long id, String value) {
			this.jdbc.update("UPDATE startup_notes SET v = ? WHERE id = ?", value, id);
		}

	}

}
