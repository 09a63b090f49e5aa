package io.github.rwsplit.it.consistency;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.consistency.ConsistencyTokenCodec;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web token on a real server (embedded Tomcat, its default 8 KB response-header limit) and
 * the shared cluster: one token per response however many commits a request makes, and signed
 * tokens that the application accepts only when it signed them.
 */
@MySqlClusterTest
class WebTokenIT {

	private static final long PRIMARY = 1;

	private static final int COMMITS = 50;

	private static final String KEY = "web-token-it-0123456789-0123456789-0123456789";

	@BeforeAll
	static void createTable(MySqlReplicationCluster cluster) throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE IF NOT EXISTS web_token_it (id BIGINT AUTO_INCREMENT PRIMARY KEY, batch VARCHAR(40), n INT)");
	}

	static ConfigurableApplicationContext start(MySqlReplicationCluster cluster, Map<String, Object> extra) {
		Map<String, Object> properties = ItProperties.jdbcOnly(cluster);
		properties.put("rwsplit.consistency.mode", "gtid");
		properties.put("rwsplit.monitor.interval", "500ms");
		properties.put("rwsplit.monitor.check-timeout", "400ms");
		properties.put("server.port", "0");
		properties.putAll(extra);
		ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties(properties)
			.run();
		ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
		// Until the monitor has seen them, reads have no replica to go to and would prove nothing.
		await().atMost(Duration.ofSeconds(20))
			.until(() -> List.of("replica-1", "replica-2")
				.stream()
				.allMatch((name) -> monitor.snapshot().replica(name).state() == ReplicaState.HEALTHY));
		return app;
	}

	private static RestClient client(ConfigurableApplicationContext app) {
		return RestClient.create("http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort());
	}

	/** The value of the token cookie among a response's {@code Set-Cookie} headers, which must hold exactly one. */
	private static String onlyTokenCookie(ResponseEntity<?> response) {
		List<String> cookies = response.getHeaders()
			.getOrEmpty("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("rwsplit-consistency="))
			.toList();
		assertThat(cookies).hasSize(1);
		String cookie = cookies.get(0);
		return cookie.substring("rwsplit-consistency=".length(), cookie.indexOf(';'));
	}

	@Test
	void aRequestWithFiftyCommitsGetsOneCookieAndTheNextReadSeesThemAllOnAReplica(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster, Map.of())) {
			RestClient client = client(app);
			String batch = UUID.randomUUID().toString();
			ResponseEntity<Integer> written = client.post().uri("/batches/{batch}", batch).retrieve().toEntity(Integer.class);
			assertThat(written.getStatusCode().value()).isEqualTo(200);
			assertThat(written.getBody()).isEqualTo(COMMITS);
			String token = onlyTokenCookie(written);
			assertThat(written.getHeaders().get("X-Rwsplit-Consistency")).containsExactly(token);
			String read = client.get()
				.uri("/batches/{batch}", batch)
				.header("Cookie", "rwsplit-consistency=" + token)
				.retrieve()
				.body(String.class);
			String[] rowsAndServer = read.split("@");
			assertThat(Integer.parseInt(rowsAndServer[0])).isEqualTo(COMMITS);
			assertThat(Long.parseLong(rowsAndServer[1])).as("server_id of the read").isNotEqualTo(PRIMARY);
		}
	}

	@Test
	void withSigningKeysTheTokenIsSignedAndAnUnsignedOneIsIgnored(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster,
				Map.of("rwsplit.consistency.token.signing-keys", KEY))) {
			RestClient client = client(app);
			String batch = UUID.randomUUID().toString();
			ResponseEntity<Integer> written = client.post().uri("/batches/{batch}", batch).retrieve().toEntity(Integer.class);
			String token = onlyTokenCookie(written);
			assertThat(token).startsWith("r2.");
			String read = client.get()
				.uri("/batches/{batch}", batch)
				.header("X-Rwsplit-Consistency", token)
				.retrieve()
				.body(String.class);
			assertThat(read).startsWith(COMMITS + "@");
			ConsistencyTokenCodec codec = app.getBean(ConsistencyTokenCodec.class);
			String unsigned = ConsistencyToken.decode("r1." + token.substring(3, token.lastIndexOf('.')), Long.MAX_VALUE)
				.encode();
			long before = codec.rejectedSignatures();
			ResponseEntity<String> ignored = client.get()
				.uri("/batches/{batch}", batch)
				.header("X-Rwsplit-Consistency", unsigned)
				.retrieve()
				.toEntity(String.class);
			assertThat(ignored.getStatusCode().value()).isEqualTo(200);
			assertThat(codec.rejectedSignatures()).isEqualTo(before + 1);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Batches.class, BatchesController.class })
	static class App {

	}

	@Service
	static class Batches {

		private final JdbcTemplate jdbc;

		private final TransactionTemplate transactions;

		Batches(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
			this.jdbc = jdbc;
			this.transactions = new TransactionTemplate(transactionManager);
		}

		/** One transaction, one commit, one new GTID per row. */
		int write(String batch) {
			for (int n = 1; n <= COMMITS; n++) {
				int row = n;
				this.transactions.executeWithoutResult(
						(status) -> this.jdbc.update("INSERT INTO web_token_it (batch, n) VALUES (?, ?)", batch, row));
			}
			return COMMITS;
		}

		@Transactional(readOnly = true)
		public String read(String batch) {
			int rows = this.jdbc.queryForObject("SELECT COUNT(*) FROM web_token_it WHERE batch = ?", Integer.class, batch);
			long serverId = this.jdbc.queryForObject("SELECT @@server_id", Long.class);
			return rows + "@" + serverId;
		}

	}

	@RestController
	static class BatchesController {

		private final Batches batches;

		BatchesController(Batches batches) {
			this.batches = batches;
		}

		@PostMapping("/batches/{batch}")
		int write(@PathVariable String batch) {
			return this.batches.write(batch);
		}

		@GetMapping("/batches/{batch}")
		String read(@PathVariable String batch) {
			return this.batches.read(batch);
		}

	}

}
