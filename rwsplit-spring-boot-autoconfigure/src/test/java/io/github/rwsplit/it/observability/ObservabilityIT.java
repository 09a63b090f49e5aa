package io.github.rwsplit.it.observability;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.client.RestClient;

import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.RoutingDiagnostics;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Observability against the shared cluster, over HTTP: the endpoint tells what happened, drain
 * takes a replica out without failing a request, health maps the state, meters count, mistakes are
 * diagnosed, and no password shows anywhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityIT {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	static ConfigurableApplicationContext app;

	static RestClient http;

	@BeforeAll
	static void start() throws Exception {
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE IF NOT EXISTS observability_it (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT)");
		// Draining is a write operation: off unless the application grants it.
		app = start(cluster, Map.of("management.endpoint.rwsplit.access", "unrestricted"));
		http = RestClient.create("http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort());
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	static ConfigurableApplicationContext start(MySqlReplicationCluster cluster, Map<String, String> extra,
			Class<?>... more) {
		Map<String, Object> properties = ItProperties.jdbcOnly(cluster);
		properties.put("server.port", "0");
		properties.put("management.endpoints.web.exposure.include", "rwsplit,health");
		properties.put("management.endpoint.health.show-details", "always");
		properties.put("rwsplit.consistency.mode", "eventual");
		properties.put("rwsplit.monitor.interval", "500ms");
		properties.put("rwsplit.monitor.check-timeout", "400ms");
		properties.put("rwsplit.monitor.recovery-checks", "1");
		properties.putAll(extra);
		List<Class<?>> sources = new ArrayList<>(List.of(App.class));
		sources.addAll(List.of(more));
		return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).web(WebApplicationType.SERVLET)
			.properties(properties)
			.run();
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> node(String name) {
		Map<String, Object> all = http.get().uri("/actuator/rwsplit").retrieve().body(JSON);
		return ((List<Map<String, Object>>) all.get("nodes")).stream()
			.filter((n) -> name.equals(n.get("name")))
			.findFirst()
			.orElseThrow();
	}

	@SuppressWarnings("unchecked")
	static long routes(String node, String reason) {
		Map<String, Object> routes = (Map<String, Object>) node(node).get("routes");
		Object count = routes.get(reason);
		return (count != null) ? ((Number) count).longValue() : 0;
	}

	@Test
	@SuppressWarnings("unchecked")
	void endpointCountsTheRoutesThatHappened() {
		long replicaReads = routes("replica-1", "read-only-transaction") + routes("replica-2", "read-only-transaction");
		long primaryWrites = routes("primary", "default");
		Probe probe = app.getBean(Probe.class);
		for (int i = 0; i < 10; i++) {
			assertThat(probe.read()).isIn(2L, 3L);
		}
		for (int i = 0; i < 3; i++) {
			assertThat(probe.write()).isEqualTo(1L);
		}
		assertThat(routes("replica-1", "read-only-transaction") + routes("replica-2", "read-only-transaction"))
			.isEqualTo(replicaReads + 10);
		assertThat(routes("primary", "default")).isEqualTo(primaryWrites + 3);
		Map<String, Object> replica = http.get().uri("/actuator/rwsplit/replica-1").retrieve().body(JSON);
		assertThat(replica).containsEntry("name", "replica-1")
			.containsEntry("role", "replica")
			.containsEntry("group", "default")
			.containsEntry("state", "HEALTHY")
			.containsEntry("weight", 1)
			.containsKeys("lagSeconds", "lastCheck", "pool", "url");
		assertThat((Map<String, Object>) replica.get("pool")).containsKeys("active", "idle", "waiting", "total", "max");
		Map<String, Object> all = http.get().uri("/actuator/rwsplit").retrieve().body(JSON);
		assertThat((Map<String, Object>) all.get("consistency")).containsEntry("mode", "eventual");
		assertThat((Map<String, Object>) all.get("fallback")).containsEntry("policy", "primary");
		assertThat(all).containsEntry("lagSource", "gtid");
	}

	@Test
	void drainUnderLoadRoutesNothingNewToTheReplicaAndFailsNoRequest() throws Exception {
		Probe probe = app.getBean(Probe.class);
		AtomicBoolean reading = new AtomicBoolean(true);
		AtomicInteger failures = new AtomicInteger();
		AtomicInteger reads = new AtomicInteger();
		ExecutorService readers = Executors.newFixedThreadPool(4);
		List<Future<?>> loops = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			loops.add(readers.submit(() -> {
				while (reading.get()) {
					try {
						probe.slowRead();
						reads.incrementAndGet();
					}
					catch (RuntimeException ex) {
						failures.incrementAndGet();
					}
				}
			}));
		}
		try {
			await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() > 20);
			Map<String, Object> drained = http.post()
				.uri("/actuator/rwsplit/replica-2")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("action", "drain"))
				.retrieve()
				.body(JSON);
			assertThat(drained).containsEntry("state", "DRAINED");
			// Reads already on replica-2 finish; after that, nothing new goes there.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> ((Map<?, ?>) node("replica-2").get("pool")).get("active").equals(0));
			long onDrained = routes("replica-2", "read-only-transaction");
			int readsAtDrain = reads.get();
			await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() > readsAtDrain + 40);
			assertThat(routes("replica-2", "read-only-transaction")).isEqualTo(onDrained);

			http.post()
				.uri("/actuator/rwsplit/replica-2")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("action", "undrain"))
				.retrieve()
				.toBodilessEntity();
			await("traffic returns").atMost(Duration.ofSeconds(10))
				.until(() -> routes("replica-2", "read-only-transaction") > onDrained);
		}
		finally {
			reading.set(false);
			readers.shutdown();
			readers.awaitTermination(30, TimeUnit.SECONDS);
		}
		for (Future<?> loop : loops) {
			loop.get();
		}
		assertThat(failures).hasValue(0);
	}

	@Test
	void drainIsUnavailableUnlessTheApplicationGrantsWriteAccess() {
		try (ConfigurableApplicationContext readOnly = start(SharedMySqlCluster.get(), Map.of())) {
			RestClient client = RestClient
				.create("http://localhost:" + ((WebServerApplicationContext) readOnly).getWebServer().getPort());
			assertThat(client.get().uri("/actuator/rwsplit/replica-1").retrieve().body(JSON)).containsEntry("name",
					"replica-1");
			Integer status = client.post()
				.uri("/actuator/rwsplit/replica-1")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("action", "drain"))
				.exchange((request, response) -> response.getStatusCode().value());
			assertThat(status).isBetween(400, 499);
			assertThat(readOnly.getBean(ReplicaLagMonitor.class).snapshot().replica("replica-1").state())
				.isNotEqualTo(ReplicaState.DRAINED);
		}
	}

	@Test
	void badDrainRequestsAreRejectedWithAReason() {
		Integer primary = http.post()
			.uri("/actuator/rwsplit/primary")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "drain"))
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(primary).isEqualTo(400);
		Integer unknown = http.post()
			.uri("/actuator/rwsplit/replica-1")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "explode"))
			.exchange((request, response) -> response.getStatusCode().value());
		assertThat(unknown).isEqualTo(400);
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthIsUpAndSaysWhichReplicasAreOutAndWhy() {
		ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
		Map<String, Object> health = http.get().uri("/actuator/health/rwsplit").retrieve().body(JSON);
		assertThat(health).containsEntry("status", "UP");
		assertThat((Map<String, Object>) health.get("details")).containsEntry("degraded", false)
			.containsEntry("replicasInRotation", 2);
		monitor.drain("replica-1");
		try {
			health = http.get().uri("/actuator/health/rwsplit").retrieve().body(JSON);
			assertThat(health).containsEntry("status", "UP");
			Map<String, Object> details = (Map<String, Object>) health.get("details");
			assertThat(details).containsEntry("degraded", true).containsEntry("replicasInRotation", 1);
			assertThat((Map<String, Object>) details.get("excluded")).containsEntry("replica-1",
					"DRAINED: drained by an operator");
		}
		finally {
			monitor.undrain("replica-1");
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> monitor.snapshot().replica("replica-1").state() == ReplicaState.HEALTHY);
	}

	@Test
	void metersCountRoutesAndHikariMetersCarryTheNodeName() {
		app.getBean(Probe.class).read();
		MeterRegistry registry = app.getBean(MeterRegistry.class);
		double routed = registry.find("rwsplit.route").tag("reason", "read-only-transaction").functionCounters().stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
		assertThat(routed).isPositive();
		assertThat(registry.find("hikaricp.connections").tag("pool", "replica-1").gauge()).isNotNull();
		assertThat(registry.find("hikaricp.connections").tag("pool", "primary").gauge()).isNotNull();
		assertThat(registry.get("rwsplit.replica.lag").tag("replica", "replica-1").gauge().value()).isNotNaN();
		assertThat(registry.get("rwsplit.primary.up").gauge().value()).isEqualTo(1.0);
	}

	@Test
	void writeOnAReplicaAndAnAnnotationJoiningATransactionAreDiagnosed() {
		long writes = RoutingDiagnostics.count(RoutingDiagnostics.Kind.WRITE_ON_REPLICA).sum();
		long joined = RoutingDiagnostics.count(RoutingDiagnostics.Kind.ANNOTATION_JOINED_TRANSACTION).sum();
		Probe probe = app.getBean(Probe.class);
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(probe::writeOnReplica);
		app.getBean(Outer.class).readWriteCallingReplica();
		assertThat(RoutingDiagnostics.count(RoutingDiagnostics.Kind.WRITE_ON_REPLICA).sum()).isEqualTo(writes + 1);
		assertThat(RoutingDiagnostics.count(RoutingDiagnostics.Kind.ANNOTATION_JOINED_TRANSACTION).sum())
			.isEqualTo(joined + 1);
	}

	@Test
	void earlyCheckoutAndSpringsPrimaryAreDiagnosed(CapturedOutput output) {
		long early = RoutingDiagnostics.count(RoutingDiagnostics.Kind.EARLY_CHECKOUT).sum();
		long springPrimary = RoutingDiagnostics.count(RoutingDiagnostics.Kind.SPRING_PRIMARY_ANNOTATION).sum();
		try (ConfigurableApplicationContext eager = start(SharedMySqlCluster.get(), Map.of(), EagerWrapper.class,
				WrongPrimary.class)) {
			// The wrapper touches each connection on checkout: the read-only flag comes too late.
			assertThat(eager.getBean(Probe.class).read()).isEqualTo(1L);
			assertThat(RoutingDiagnostics.count(RoutingDiagnostics.Kind.EARLY_CHECKOUT).sum()).isGreaterThan(early);
			assertThat(output).contains("a connection was fetched while a transaction was beginning")
				.contains("EagerWrapper");
			assertThat(RoutingDiagnostics.count(RoutingDiagnostics.Kind.SPRING_PRIMARY_ANNOTATION).sum())
				.isGreaterThan(springPrimary);
		}
	}

	@Test
	void slowStatementsAreLoggedWithTheirNodeAndTheStartupReportDescribesTheSetup(CapturedOutput output) {
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		try (ConfigurableApplicationContext slow = start(cluster,
				Map.of("rwsplit.slow-statement-threshold", "50ms", "rwsplit.monitor.max-lag", "2s"))) {
			assertThat(output).contains("rwsplit is routing:")
				.contains("load balancing: round-robin")
				.contains("replica-1 (group default, weight 1)")
				.contains("lag monitor: ")
				.contains("max-lag 2000 ms")
				.contains("read-your-writes: eventual");
			Probe probe = slow.getBean(Probe.class);
			long server = probe.verySlowRead();
			String node = cluster.nodes().stream().filter((n) -> n.serverId() == server).findFirst().orElseThrow().name();
			assertThat(node).startsWith("replica-");
			probe.read();
			String log = output.getAll();
			assertThat(log).containsPattern("rwsplit: slow statement on " + node + " \\("
					+ java.util.regex.Pattern.quote(cluster.node(node).host() + ":" + cluster.node(node).port())
					+ "\\): Slow query \\(exceeded 50 ms, duration: \\d+ ms\\): "
					+ "SELECT @@server_id \\+ SLEEP\\(\\?\\)");
			// The driver's text carries the literal; the log line does not.
			assertThat(log).doesNotContain("SLEEP(0.2)");
			// Statements under the threshold are not logged.
			assertThat(log).doesNotContainPattern("(?m)Slow query \\(exceeded 50 ms, duration: \\d+ ms\\): SELECT @@server_id$");
		}
	}

	@Test
	void noPasswordShowsInTheEndpointHealthLogsOrErrors(CapturedOutput output) {
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		String password = cluster.appUser().password();
		// replica-2 carries its credentials in the URL; the others get them from rwsplit.password.
		Map<String, String> extra = Map.of("rwsplit.replicas.replica-2.url",
				cluster.node("replica-2").jdbcUrl() + "&user=" + cluster.appUser().username() + "&password=" + password);
		try (ConfigurableApplicationContext withSecrets = start(cluster, extra)) {
			RestClient client = RestClient
				.create("http://localhost:" + ((WebServerApplicationContext) withSecrets).getWebServer().getPort());
			String endpoint = client.get().uri("/actuator/rwsplit").retrieve().body(String.class);
			String health = client.get().uri("/actuator/health").retrieve().body(String.class);
			assertThat(endpoint).contains("replica-2").contains("password=******").doesNotContain(password);
			assertThat(health).doesNotContain(password);
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(withSecrets.getBean(Probe.class)::writeOnReplica)
				.satisfies((ex) -> {
					for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
						assertThat(String.valueOf(cause.getMessage())).doesNotContain(password);
					}
				});
		}
		assertThat(output.getAll()).doesNotContain(password);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Probe.class, Outer.class })
	static class App {

	}

	@Service
	static class Probe {

		private final JdbcTemplate jdbc;

		Probe(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public long read() {
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

		@Transactional(readOnly = true)
		public long verySlowRead() {
			return this.jdbc.queryForObject("SELECT @@server_id + SLEEP(0.2)", Long.class);
		}

		@Transactional(readOnly = true)
		public long slowRead() {
			return this.jdbc.queryForObject("SELECT @@server_id + SLEEP(0.01)", Long.class);
		}

		@Transactional
		public long write() {
			this.jdbc.update("INSERT INTO observability_it (v) VALUES (1)");
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

		@ReadReplica
		@Transactional
		public void writeOnReplica() {
			this.jdbc.update("INSERT INTO observability_it (v) VALUES (2)");
		}

		@ReadReplica
		public long joinedRead() {
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

	}

	@Service
	static class Outer {

		private final Probe probe;

		Outer(Probe probe) {
			this.probe = probe;
		}

		@Transactional
		public long readWriteCallingReplica() {
			return this.probe.joinedRead();
		}

	}

	/** Wraps the DataSource like a careless metrics library: every checkout asks for metadata. */
	@Configuration(proxyBeanMethods = false)
	static class EagerWrapper {

		@Bean
		static BeanPostProcessor eagerWrapper() {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof DataSource dataSource && "dataSource".equals(beanName)) {
						return new DelegatingDataSource(dataSource) {
							@Override
							public Connection getConnection() throws java.sql.SQLException {
								Connection connection = super.getConnection();
								EagerWrapper.touch(connection);
								return connection;
							}
						};
					}
					return bean;
				}
			};
		}

		static void touch(Connection connection) throws java.sql.SQLException {
			connection.getMetaData().getDatabaseProductName();
		}

	}

	/** Spring's @Primary on a service method: a wrong import. */
	@Configuration(proxyBeanMethods = false)
	static class WrongPrimary {

		@Bean
		WrongImport wrongImport() {
			return new WrongImport();
		}

		static class WrongImport {

			@org.springframework.context.annotation.Primary
			public void load() {
			}

		}

	}

}
