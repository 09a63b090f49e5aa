package io.github.rwsplit.it.startup;

import java.net.InetAddress;
import java.net.ServerSocket;
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

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.actuate.RwsplitHealthIndicator;
import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.barrier.BarrierResult;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

	@Test
	void autoModeIsResolvedFromTheMonitorsFirstCheckOfThePrimaryAndSaysWhy(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.consistency.mode=auto")) {
			ReadWriteRoutingDataSource router = app.getBean(RwsplitDataSource.class).getRouter();
			// The monitor's first check of the primary runs before the context finishes starting.
			assertThat(router.view().consistency().mode()).isEqualTo(ConsistencyMode.GTID);
			assertThat(router.view().consistency().modeReason()).isEqualTo("auto: the primary reports gtid_mode=ON");
			assertThat(router.primaryHasGtids()).isTrue();
			RwsplitHealthIndicator health = new RwsplitHealthIndicator(app.getBean(ReplicaLagMonitor.class), router.view());
			assertThat(health.health().getDetails()).containsEntry("consistency",
					"gtid (auto: the primary reports gtid_mode=ON)");
		}
	}

	@Test
	void aPrimaryThatRefusesTheLoginStopsStartUpWithTheServersAnswer(MySqlReplicationCluster cluster) {
		assertThatThrownBy(() -> start(cluster, "rwsplit.primary.password=not-the-password-42").close())
			.hasRootCauseInstanceOf(RwsplitConfigurationException.class)
			.rootCause()
			.hasMessageContaining("rwsplit.primary.url: primary (" + cluster.primary().jdbcUrl() + ") refused at start-up")
			.hasMessageContaining("Access denied for user")
			.hasMessageNotContaining("not-the-password-42");
	}

	@Test
	void withThePrimaryDownAllowedTheApplicationStartsAndReplicasServeReadsSayingTheirLagIsUnknown(
			MySqlReplicationCluster cluster) throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		String url = cluster.primary().jdbcUrl().replaceFirst(":\\d+/", ":" + closedPort + "/");
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.primary.url=" + url,
				"rwsplit.startup.allow-primary-down=true")) {
			ReadWriteRoutingDataSource router = app.getBean(RwsplitDataSource.class).getRouter();
			assertThat(router.getTopology().primaryDownReason()).contains("Communications link failure");
			// A primary never seen leaves every replica's lag unknown: with allow-primary-down they are
			// admitted anyway, and say why (PrimaryDownAtStartupIT brings a killed primary back).
			assertThat(app.getBean(Notes.class).count()).isNotNegative();
			assertThat(app.getBean(ReplicaLagMonitor.class).snapshot().replica("replica-1").reason())
				.contains("lag unknown")
				.contains("rwsplit.startup.allow-primary-down=true");
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

		@ReadReplica
		long count() {
			return this.jdbc.queryForObject("SELECT COUNT(*) FROM startup_notes", Long.class);
		}

		@Primary(awaitReplicas = 1)
		@Transactional
		void setValueAndAwaitReplicas(long id, String value) {
			this.jdbc.update("UPDATE startup_notes SET v = ? WHERE id = ?", value, id);
		}

	}

}
