package io.github.rwsplit.it.startup;

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

import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The primary is dead before the application starts, and {@code rwsplit.startup.allow-primary-down}
 * is on: replicas serve reads (their lag unknown, and saying so), writes fail at once naming the
 * primary, and once the primary is back writes work and lag is measured again, with no restart
 * of the application. A cluster of its own: the primary is killed.
 */
@MySqlClusterTest(dedicated = true, replicas = 1)
class PrimaryDownAtStartupIT {

	@Test
	void replicasServeReadsWhileThePrimaryIsDownAndWritesResumeWhenItReturns(MySqlReplicationCluster cluster)
			throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE IF NOT EXISTS down_notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)",
				"INSERT INTO down_notes (v) VALUES ('before')");
		cluster.kill("primary");
		Map<String, Object> properties = ItProperties.fastMonitor(cluster, "rwsplit.startup.allow-primary-down=true",
				"rwsplit.topology.await-primary-timeout=500ms",
				// The default max-lag: admission must not depend on the generous one fastMonitor sets.
				"rwsplit.monitor.max-lag=1s", "rwsplit.monitor.lag-source=gtid");
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties(properties)
			.run()) {
			ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
			ReplicaHealth replica = monitor.snapshot().replica("replica-1");
			assertThat(replica.state()).isEqualTo(ReplicaState.HEALTHY);
			assertThat(replica.lag()).as("unknown, never 0").isNull();
			assertThat(replica.reason()).contains("lag unknown")
				.contains("the primary has not answered since start-up")
				.contains("rwsplit.startup.allow-primary-down");
			Notes notes = app.getBean(Notes.class);
			int replicaPort = cluster.node("replica-1").port();
			Set<Integer> ports = new HashSet<>();
			for (int i = 0; i < 5; i++) {
				ports.add(notes.readPort());
				assertThat(notes.count()).isEqualTo(1);
			}
			assertThat(ports).containsExactly(replicaPort);

			long started = System.nanoTime();
			assertThatThrownBy(() -> notes.insert("while down")).hasMessageContaining("the primary 'primary' is down");
			// The 500 ms wait for a writable primary, with margin for a busy machine.
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));

			cluster.restart("primary");
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
				notes.insert("after");
				return true;
			});
			assertThat(monitor.snapshot().primaryDownReason()).isNull();
			// Normal lag rules from now on: the replica's lag is measured again.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> monitor.snapshot().replica("replica-1").lag() != null
						&& monitor.snapshot().replica("replica-1").state() == ReplicaState.HEALTHY);
			assertThat(monitor.snapshot().replica("replica-1").reason()).isEmpty();
			assertThat(notes.readPort()).isEqualTo(replicaPort);
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
		void insert(String value) {
			this.jdbc.update("INSERT INTO down_notes (v) VALUES (?)", value);
		}

		@Transactional(readOnly = true)
		int readPort() {
			return this.jdbc.queryForObject("SELECT @@port", Integer.class);
		}

		@Transactional(readOnly = true)
		long count() {
			return this.jdbc.queryForObject("SELECT COUNT(*) FROM down_notes", Long.class);
		}

	}

}
