package io.github.rwsplit.it.monitor;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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
import io.github.rwsplit.actuate.RwsplitEndpoint;
import io.github.rwsplit.actuate.RwsplitHealthIndicator;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Replicas whose settings are wrong, on the shared cluster: nothing here breaks a server. A
 * wrong password is refused by the server (error 1045); an invalid driver property value is
 * rejected by Connector/J before it connects; an unknown property is ignored by Connector/J. Each
 * must say so, and reads must go to the replica that works, not to the primary.
 */
@MySqlClusterTest
class MisconfiguredReplicaIT {

	private static final String WRONG_PASSWORD = "not-the-password-1616";

	static ConfigurableApplicationContext start(MySqlReplicationCluster cluster, String... more) {
		Map<String, Object> properties = ItProperties.fastMonitor(cluster, more);
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
	}

	private static int port(MySqlReplicationCluster cluster, String node) {
		return cluster.node(node).port();
	}

	@Test
	void aReplicaThatRefusesTheLoginIsMisconfiguredWithTheServersAnswerAndReadsGoToTheOtherReplica(
			MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.replicas.replica-1.password=" + WRONG_PASSWORD)) {
			ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
			ReplicaHealth health = monitor.snapshot().replica("replica-1");
			assertThat(health.state()).isEqualTo(ReplicaState.MISCONFIGURED);
			assertThat(health.reason()).startsWith("misconfigured: login refused: Access denied for user '"
					+ cluster.appUser().username() + "'")
				.contains("error 1045")
				.doesNotContain(WRONG_PASSWORD);
			assertThat(monitor.ejections(ReplicaState.MISCONFIGURED).sum()).isEqualTo(1);
			assertThat(monitor.snapshot().replica("replica-2").state()).isEqualTo(ReplicaState.HEALTHY);
			var router = app.getBean(RwsplitDataSource.class).getRouter();
			RwsplitEndpoint.NodeDescriptor node = new RwsplitEndpoint(router, monitor).node("replica-1");
			assertThat(node.state()).isEqualTo("MISCONFIGURED");
			assertThat(node.reason()).contains("Access denied").doesNotContain(WRONG_PASSWORD);
			assertThat(new RwsplitHealthIndicator(monitor, router.view()).health().getDetails().get("excluded"))
				.asString()
				.contains("replica-1=MISCONFIGURED: misconfigured: login refused: Access denied");
			Reads reads = app.getBean(Reads.class);
			Set<Integer> ports = new HashSet<>();
			for (int i = 0; i < 10; i++) {
				ports.add(reads.port());
			}
			assertThat(ports).containsExactly(port(cluster, "replica-2"));
		}
	}

	@Test
	void failOnMisconfiguredReplicaStopsStartUpNamingThePasswordSettingAndTheServersAnswer(
			MySqlReplicationCluster cluster) {
		assertThatThrownBy(() -> start(cluster, "rwsplit.replicas.replica-1.password=" + WRONG_PASSWORD,
				"rwsplit.startup.fail-on-misconfigured-replica=true").close())
			.hasRootCauseInstanceOf(RwsplitConfigurationException.class)
			.rootCause()
			.hasMessageContaining("rwsplit.replicas.replica-1.password: replica 'replica-1' ("
					+ cluster.node("replica-1").jdbcUrl() + ") is misconfigured: login refused: Access denied")
			.hasMessageNotContaining(WRONG_PASSWORD)
			.satisfies((ex) -> assertThat(((RwsplitConfigurationException) ex).getAction())
				.contains("rwsplit.replicas.replica-1.password")
				.contains("rwsplit.startup.fail-on-misconfigured-replica=false"));
	}

	@Test
	void anInvalidDriverPropertyValueIsMisconfiguredAndAnUnknownPropertyIsIgnoredByTheDriver(
			MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster,
				"rwsplit.replicas.replica-1.pool.data-source-properties.sslMode=BOGUS",
				"rwsplit.replicas.replica-2.url=" + cluster.node("replica-2").jdbcUrl() + "&noSuchProperty=1",
				"rwsplit.replicas.replica-2.pool.data-source-properties.alsoNotAProperty=2")) {
			ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
			assertThat(monitor.snapshot().replica("replica-1").state()).isEqualTo(ReplicaState.MISCONFIGURED);
			assertThat(monitor.snapshot().replica("replica-1").reason())
				.contains("driver property rejected: The connection property 'sslMode'");
			// Connector/J keeps unknown names (plug-ins read their own) and connects as if they were not there.
			assertThat(monitor.snapshot().replica("replica-2").state()).isEqualTo(ReplicaState.HEALTHY);
			assertThat(app.getBean(Reads.class).port()).isEqualTo(port(cluster, "replica-2"));
		}
	}

	@Test
	void aMisconfiguredReplicaReturnsThroughTheNormalRecoveryOnceTheServerAcceptsTheLogin(
			MySqlReplicationCluster cluster) throws Exception {
		String user = "rw16_reader";
		cluster.executeOnPrimaryAndAwaitReplicas("DROP USER IF EXISTS '" + user + "'@'%'",
				"CREATE USER '" + user + "'@'%' IDENTIFIED BY 'old-secret-16'",
				"GRANT SELECT ON " + cluster.schema() + ".* TO '" + user + "'@'%'");
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.replicas.replica-1.username=" + user,
				"rwsplit.replicas.replica-1.password=new-secret-16")) {
			ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
			assertThat(monitor.snapshot().replica("replica-1").state()).isEqualTo(ReplicaState.MISCONFIGURED);
			// The password is fixed on the server (on the primary, and so on its replicas), not in the application.
			cluster.executeOnPrimaryAndAwaitReplicas("ALTER USER '" + user + "'@'%' IDENTIFIED BY 'new-secret-16'");
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> monitor.snapshot().replica("replica-1").state() != ReplicaState.MISCONFIGURED
						|| monitor.snapshot().replica("replica-1").goodChecks() > 0);
			ReplicaHealth recovering = monitor.snapshot().replica("replica-1");
			assertThat(recovering.state()).as("back only after the usual good checks: %s", recovering)
				.isEqualTo(ReplicaState.MISCONFIGURED);
			assertThat(recovering.reason()).startsWith("recovering: ");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> monitor.snapshot().replica("replica-1").state() == ReplicaState.HEALTHY);
			Reads reads = app.getBean(Reads.class);
			Set<Integer> ports = new HashSet<>();
			for (int i = 0; i < 10; i++) {
				ports.add(reads.port());
			}
			assertThat(ports).contains(port(cluster, "replica-1"));
		}
		finally {
			try (Connection connection = cluster.openAdminConnection("primary");
					Statement statement = connection.createStatement()) {
				statement.execute("DROP USER IF EXISTS '" + user + "'@'%'");
			}
		}
	}

	@Test
	void withTheMonitorOffAReplicaThatRefusesTheLoginCostsEachReadThatTriesItTheCheckoutTimeoutAndNoMore(
			MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster, "rwsplit.monitor.enabled=false",
				"rwsplit.replicas.replica-1.password=" + WRONG_PASSWORD,
				"rwsplit.replicas.replica-1.pool.connection-timeout=500ms")) {
			Reads reads = app.getBean(Reads.class);
			Set<Integer> ports = new HashSet<>();
			long started = System.nanoTime();
			for (int i = 0; i < 4; i++) {
				ports.add(reads.port());
			}
			long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
			// Round robin tries replica-1 for every other read; each such checkout fails after its timeout and
			// the read is planned again without it. Nothing remembers the refusal: there is no monitor.
			assertThat(ports).containsExactly(port(cluster, "replica-2"));
			System.out.printf("rwsplit-measure misconfigured-without-monitor 4 reads took %d ms%n", millis);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Reads.class)
	static class App {

	}

	@Service
	static class Reads {

		private final JdbcTemplate jdbc;

		Reads(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		int port() {
			return this.jdbc.queryForObject("SELECT @@port", Integer.class);
		}

	}

}
