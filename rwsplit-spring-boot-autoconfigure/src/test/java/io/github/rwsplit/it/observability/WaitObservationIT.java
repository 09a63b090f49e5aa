package io.github.rwsplit.it.observability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * rwsplit's read-your-writes wait as an observation, and the session's token carried to
 * {@code @Async} work by context propagation, on the shared cluster. The monitor checks replicas
 * once a minute, so right after a write no replica is known to have it: a read in the writing
 * session waits on a replica for it, and the test sees the wait, the replica that answered
 * ({@code @@server_id}) and the row.
 */
class WaitObservationIT {

	private static final long PRIMARY = 1;

	static ConfigurableApplicationContext app;

	@BeforeAll
	static void start() throws Exception {
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE IF NOT EXISTS wait_observation_it (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40))");
		Map<String, Object> properties = ItProperties.jdbcOnly(cluster);
		properties.put("rwsplit.consistency.mode", "gtid");
		properties.put("rwsplit.consistency.wait-timeout", "5s");
		properties.put("rwsplit.monitor.max-lag", "30s");
		properties.put("rwsplit.monitor.interval", "1m");
		properties.put("rwsplit.monitor.check-timeout", "2s");
		properties.put("rwsplit.context-propagation.enabled", "true");
		app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
		RwsplitDataSource dataSource = app.getBean(RwsplitDataSource.class);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> dataSource.getRouter().getTopology().replicas("default").size() == 2);
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@BeforeEach
	void newSession() {
		ConsistencyContext.clear();
		app.getBean(TestObservationRegistry.class).clear();
	}

	@Test
	void aReadYourWritesWaitOnAReplicaIsObservedAsReached() {
		Rows rows = app.getBean(Rows.class);
		long id = rows.insert("observed");

		Row read = rows.read(id);
		assertThat(read.value()).isEqualTo("observed");
		assertThat(read.serverId()).isNotEqualTo(PRIMARY);
		assertThat(app.getBean(TestObservationRegistry.class)).hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasContextualNameEqualTo("rwsplit wait read-your-writes")
			.hasLowCardinalityKeyValue("node", "replica-" + (read.serverId() - 1))
			.hasLowCardinalityKeyValue("role", "replica")
			.hasLowCardinalityKeyValue("reason", "read-your-writes")
			.hasLowCardinalityKeyValue("outcome", "reached")
			.hasBeenStopped();
		ConsistencyContext.clear();
	}

	@Test
	void asyncWorkReadsTheRequestThreadsWriteFromAReplica() throws Exception {
		Rows rows = app.getBean(Rows.class);
		long id = rows.insert("async");

		Row read = app.getBean(AsyncReads.class).read(id).get(30, TimeUnit.SECONDS);
		assertThat(read.value()).isEqualTo("async");
		assertThat(read.serverId()).isNotEqualTo(PRIMARY);
		assertThat(read.thread()).startsWith("async-");
		// Its read waited for the token's write on the replica, on the pool's thread.
		assertThat(app.getBean(TestObservationRegistry.class)).hasObservationWithNameEqualTo("rwsplit.wait")
			.that()
			.hasLowCardinalityKeyValue("reason", "read-your-writes")
			.hasLowCardinalityKeyValue("outcome", "reached");
		ConsistencyContext.clear();
	}

	record Row(String value, long serverId, String thread) {
	}

	static class Rows {

		private final JdbcTemplate jdbc;

		Rows(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public long insert(String value) {
			GeneratedKeyHolder key = new GeneratedKeyHolder();
			this.jdbc.update((connection) -> {
				var statement = connection.prepareStatement("INSERT INTO wait_observation_it (v) VALUES (?)",
						java.sql.Statement.RETURN_GENERATED_KEYS);
				statement.setString(1, value);
				return statement;
			}, key);
			return key.getKey().longValue();
		}

		@Transactional(readOnly = true)
		public Row read(long id) {
			String value = this.jdbc.query("SELECT v FROM wait_observation_it WHERE id = ?",
					(rs) -> rs.next() ? rs.getString(1) : null, id);
			Long serverId = this.jdbc.queryForObject("SELECT @@server_id", Long.class);
			return new Row(value, serverId, Thread.currentThread().getName());
		}

	}

	static class AsyncReads {

		private final Rows rows;

		AsyncReads(Rows rows) {
			this.rows = rows;
		}

		@Async
		public CompletableFuture<Row> read(long id) {
			return CompletableFuture.completedFuture(this.rows.read(id));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableAsync
	static class App {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

		@Bean
		ThreadPoolTaskExecutor taskExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setCorePoolSize(1);
			executor.setThreadNamePrefix("async-");
			executor.setTaskDecorator(new ContextPropagatingTaskDecorator());
			return executor;
		}

		@Bean
		Rows rows(JdbcTemplate jdbc) {
			return new Rows(jdbc);
		}

		@Bean
		AsyncReads asyncReads(Rows rows) {
			return new AsyncReads(rows);
		}

	}

}
