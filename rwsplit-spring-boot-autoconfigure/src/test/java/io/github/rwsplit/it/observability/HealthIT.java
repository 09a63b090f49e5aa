package io.github.rwsplit.it.observability;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/health} on a cluster of its own: a dead replica leaves the application UP
 * (degraded, with the reason), a dead primary makes it DOWN, and no check waits on a dead node.
 * Restarts what it kills.
 */
@MySqlClusterTest(dedicated = true)
class HealthIT {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	/**
	 * A health check reads the monitor's snapshot and runs no SQL, so it takes milliseconds. A check
	 * that waited on a dead node would take the pool's connection timeout (2.5 s by default); one
	 * second tells the two apart with room for a busy two-core machine (GC, a cold endpoint).
	 */
	private static final Duration FAST = Duration.ofSeconds(1);

	@Test
	@SuppressWarnings("unchecked")
	void deadReplicaLeavesTheApplicationUpAndDeadPrimaryTakesItDownWithoutWaitingOnEither(
			MySqlReplicationCluster cluster) {
		Map<String, Object> properties = ItProperties.jdbcOnly(cluster);
		properties.put("server.port", "0");
		properties.put("management.endpoints.web.exposure.include", "health");
		properties.put("management.endpoint.health.show-details", "always");
		properties.put("rwsplit.consistency.mode", "eventual");
		properties.put("rwsplit.monitor.interval", "300ms");
		properties.put("rwsplit.monitor.check-timeout", "250ms");
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.SERVLET)
			.properties(properties)
			.run()) {
			RestClient http = RestClient
				.create("http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort());
			ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
			assertThat(health(http)).containsEntry("status", "UP");

			cluster.kill("replica-1");
			try {
				await("the monitor sees replica-1 down").atMost(Duration.ofSeconds(10))
					.until(() -> monitor.snapshot().replica("replica-1").state() == ReplicaState.DOWN);
				for (int i = 0; i < 5; i++) {
					long start = System.nanoTime();
					Map<String, Object> health = health(http);
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					assertThat(took).as("health with a dead replica").isLessThan(FAST);
					assertThat(health).containsEntry("status", "UP");
					Map<String, Object> components = (Map<String, Object>) health.get("components");
					assertThat((Map<String, Object>) components.get("db")).containsEntry("status", "UP");
					Map<String, Object> rwsplit = (Map<String, Object>) components.get("rwsplit");
					assertThat(rwsplit).containsEntry("status", "UP");
					Map<String, Object> details = (Map<String, Object>) rwsplit.get("details");
					assertThat(details).containsEntry("degraded", true).containsEntry("replicasInRotation", 1);
					assertThat((Map<String, Object>) details.get("excluded")).containsKey("replica-1");
				}
			}
			finally {
				cluster.restart("replica-1");
			}
			await("replica-1 back").atMost(Duration.ofSeconds(20))
				.until(() -> monitor.snapshot().replica("replica-1").state() == ReplicaState.HEALTHY);

			cluster.kill("primary");
			try {
				await("the monitor sees the primary down").atMost(Duration.ofSeconds(10))
					.until(() -> monitor.snapshot().primaryDownReason() != null);
				long start = System.nanoTime();
				Map<String, Object> health = health(http);
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				assertThat(took).as("health with a dead primary").isLessThan(FAST);
				assertThat(health).containsEntry("status", "DOWN");
				Map<String, Object> components = (Map<String, Object>) health.get("components");
				assertThat((Map<String, Object>) components.get("db")).containsEntry("status", "DOWN");
				assertThat((Map<String, Object>) components.get("rwsplit")).containsEntry("status", "DOWN");
			}
			finally {
				cluster.restart("primary");
			}
			await("the primary back").atMost(Duration.ofSeconds(20))
				.until(() -> monitor.snapshot().primaryDownReason() == null);
			assertThat(health(http)).containsEntry("status", "UP");
		}
	}

	/** The body whatever the status: 503 carries the same JSON as 200. */
	private static Map<String, Object> health(RestClient http) {
		return http.get().uri("/actuator/health").exchange((request, response) -> response.bodyTo(JSON));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
