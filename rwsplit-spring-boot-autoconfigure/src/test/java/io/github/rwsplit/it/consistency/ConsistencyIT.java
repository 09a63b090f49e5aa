package io.github.rwsplit.it.consistency;

import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
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
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes on a cluster where replica-1 applies everything two seconds late and replica-2
 * is current. Both stay in rotation (max-lag 10 s), so an unguarded read lands on the stale one
 * about half the time.
 */
@MySqlClusterTest(dedicated = true)
class ConsistencyIT {

	private static final int TRIALS = 1000;

	private static final long PRIMARY = 1;

	@BeforeAll
	static void delayOneReplica(MySqlReplicationCluster cluster) throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE ryw (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40))");
		cluster.setReplicationDelay("replica-1", Duration.ofSeconds(2));
	}

	@AfterAll
	static void removeDelay(MySqlReplicationCluster cluster) {
		cluster.setReplicationDelay("replica-1", Duration.ZERO);
	}

	static ConfigurableApplicationContext start(MySqlReplicationCluster cluster, String mode, boolean web) {
		Map<String, Object> properties = ItProperties.jdbcOnly(cluster);
		properties.put("rwsplit.consistency.mode", mode);
		properties.put("rwsplit.monitor.max-lag", "10s");
		properties.put("rwsplit.monitor.interval", "500ms");
		properties.put("rwsplit.monitor.check-timeout", "400ms");
		properties.put("server.port", "0");
		return new SpringApplicationBuilder(App.class)
			.web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
			.properties(properties)
			.run();
	}

	/** Writes then immediately reads back, TRIALS times, in one session (this thread). */
	static Outcome trials(ConfigurableApplicationContext app) {
		Rows rows = app.getBean(Rows.class);
		ConsistencyContext.clear();
		int stale = 0;
		int onReplica = 0;
		long[] micros = new long[TRIALS];
		for (int i = 0; i < TRIALS; i++) {
			String value = "v" + i;
			long id = rows.insert(value);
			long start = System.nanoTime();
			Rows.Read read = rows.read(id);
			micros[i] = (System.nanoTime() - start) / 1000;
			if (!value.equals(read.value())) {
				stale++;
			}
			if (read.serverId() != PRIMARY) {
				onReplica++;
			}
		}
		ConsistencyContext.clear();
		Arrays.sort(micros);
		return new Outcome(stale, onReplica, micros[TRIALS / 2], micros[TRIALS * 99 / 100]);
	}

	record Outcome(int stale, int onReplica, long p50Micros, long p99Micros) {

		void print(String mode, ConsistencyTracker tracker) {
			System.out.printf("rwsplit-measure consistency=%s stale=%d/%d replica-share=%.1f%% read-after-write p50=%dus "
					+ "p99=%dus caught-up=%d waited=%d wait-timed-out=%d primary=%d pinned=%d%n", mode, this.stale, TRIALS,
					100.0 * this.onReplica / TRIALS, this.p50Micros, this.p99Micros, tracker.caughtUp.sum(),
					tracker.waited.sum(), tracker.waitTimedOut.sum(), tracker.primary.sum(), tracker.pinned.sum());
		}

	}

	@Test
	void gtidModeAlwaysReadsItsWritesMostlyFromReplicas(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster, "gtid", false)) {
			Outcome outcome = trials(app);
			outcome.print("gtid", tracker(app));
			assertThat(outcome.stale()).isZero();
			assertThat(outcome.onReplica()).isGreaterThanOrEqualTo(TRIALS * 9 / 10);
		}
	}

	@Test
	void aMethodCanOptOutOfReadYourWrites(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster, "gtid", false)) {
			Rows rows = app.getBean(Rows.class);
			ConsistencyContext.clear();
			rows.insert("opt-out");
			ConsistencyTracker tracker = tracker(app);
			long before = tracker.waited.sum() + tracker.caughtUp.sum() + tracker.primary.sum();
			for (int i = 0; i < 20; i++) {
				rows.readEventual();
			}
			assertThat(tracker.waited.sum() + tracker.caughtUp.sum() + tracker.primary.sum()).isEqualTo(before);
			rows.readAny();
			assertThat(tracker.waited.sum() + tracker.caughtUp.sum() + tracker.primary.sum()).isEqualTo(before + 1);
			ConsistencyContext.clear();
		}
	}

	@Test
	void pinModeAlwaysReadsItsWritesFromThePrimaryWithinTheWindow(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster, "pin", false)) {
			Outcome outcome = trials(app);
			outcome.print("pin", tracker(app));
			assertThat(outcome.stale()).isZero();
			assertThat(tracker(app).pinned.sum()).isGreaterThanOrEqualTo(TRIALS);
		}
	}

	@Test
	void eventualModeShowsStaleReadsSoTheTestCanSeeThem(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster, "eventual", false)) {
			Outcome outcome = trials(app);
			outcome.print("eventual", tracker(app));
			assertThat(outcome.stale()).isGreaterThan(TRIALS / 10);
		}
	}

	@Test
	void globalModeReadsEveryWriteOfThisInstanceFromAnyThread(MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext app = start(cluster, "global", false)) {
			Rows rows = app.getBean(Rows.class);
			ExecutorService other = Executors.newSingleThreadExecutor();
			try {
				for (int i = 0; i < 50; i++) {
					String value = "g" + i;
					long id = rows.insert(value);
					// Another thread, another session: global mode still waits for this instance's commit.
					assertThat(other.submit(() -> rows.read(id).value()).get()).isEqualTo(value);
				}
			}
			finally {
				other.shutdownNow();
			}
		}
	}

	@Test
	void aTokenCarriedToAnotherApplicationInstanceReadsTheWrite(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext a = start(cluster, "gtid", true);
				ConfigurableApplicationContext b = start(cluster, "gtid", true)) {
			RestClient clientA = RestClient.create("http://localhost:" + port(a));
			RestClient clientB = RestClient.create("http://localhost:" + port(b));
			for (int i = 0; i < 100; i++) {
				String value = "x" + i;
				ResponseEntity<Long> written = clientA.post().uri("/rows/{v}", value).retrieve().toEntity(Long.class);
				String token = written.getHeaders().getFirst("X-Rwsplit-Consistency");
				assertThat(token).startsWith("r1.");
				assertThat(written.getHeaders().get("Set-Cookie")).anyMatch((c) -> c.startsWith("rwsplit-consistency=")
						&& c.contains("HttpOnly") && c.contains("SameSite=Lax"));
				String read = clientB.get()
					.uri("/rows/{id}", written.getBody())
					.header("X-Rwsplit-Consistency", token)
					.retrieve()
					.body(String.class);
				assertThat(read).isEqualTo(value);
			}
		}
	}

	@Test
	void malformedOversizedAndForgedTokensNeverFailARequest(MySqlReplicationCluster cluster) {
		try (ConfigurableApplicationContext app = start(cluster, "gtid", true)) {
			RestClient client = RestClient.create("http://localhost:" + port(app));
			long id = client.post().uri("/rows/{v}", "forge").retrieve().body(Long.class);
			String forged = io.github.rwsplit.consistency.ConsistencyToken
				.of(io.github.rwsplit.gtid.GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-999999999"), 0)
				.encode();
			for (String token : List.of("garbage", "r1.!!!.1", "r1." + "A".repeat(5000) + ".1", forged)) {
				long start = System.nanoTime();
				String read = client.get().uri("/rows/{id}", id).header("X-Rwsplit-Consistency", token).retrieve().body(String.class);
				assertThat(read).as("read with token %s", token.substring(0, Math.min(20, token.length())))
					.isIn("forge", null);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			}
		}
	}

	@Test
	void concurrentSessionsDoNotShareTokens(MySqlReplicationCluster cluster) throws Exception {
		try (ConfigurableApplicationContext app = start(cluster, "gtid", false)) {
			Rows rows = app.getBean(Rows.class);
			ExecutorService pool = Executors.newFixedThreadPool(8);
			AtomicInteger stale = new AtomicInteger();
			AtomicInteger readersWithTokens = new AtomicInteger();
			try {
				List<Future<?>> work = new ArrayList<>();
				for (int t = 0; t < 8; t++) {
					boolean writer = t % 2 == 0;
					work.add(pool.submit(() -> {
						ConsistencyContext.clear();
						for (int i = 0; i < 100; i++) {
							if (writer) {
								String value = Thread.currentThread().getName() + i;
								long id = rows.insert(value);
								if (!value.equals(rows.read(id).value())) {
									stale.incrementAndGet();
								}
							}
							else {
								rows.readAny();
								if (!ConsistencyContext.currentToken().isEmpty()) {
									readersWithTokens.incrementAndGet();
								}
							}
						}
						ConsistencyContext.clear();
						return null;
					}));
				}
				for (Future<?> future : work) {
					future.get();
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(stale).hasValue(0);
			assertThat(readersWithTokens).as("sessions that never wrote must carry no token").hasValue(0);
		}
	}

	private static ConsistencyTracker tracker(ConfigurableApplicationContext app) {
		return app.getBean(RwsplitDataSource.class).getRouter().view().consistencyTracker();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Rows.class, RowsController.class })
	static class App {

	}

	@Service
	static class Rows {

		record Read(String value, long serverId) {
		}

		private final JdbcTemplate jdbc;

		Rows(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public long insert(String value) {
			GeneratedKeyHolder keys = new GeneratedKeyHolder();
			this.jdbc.update((con) -> {
				var statement = con.prepareStatement("INSERT INTO ryw (v) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
				statement.setString(1, value);
				return statement;
			}, keys);
			return keys.getKey().longValue();
		}

		@Transactional(readOnly = true)
		public Read read(long id) {
			List<String> values = this.jdbc.queryForList("SELECT v FROM ryw WHERE id = ?", String.class, id);
			long serverId = this.jdbc.queryForObject("SELECT @@server_id", Long.class);
			return new Read(values.isEmpty() ? null : values.get(0), serverId);
		}

		@io.github.rwsplit.annotation.ReadReplica(consistency = io.github.rwsplit.consistency.ConsistencyMode.EVENTUAL)
		@Transactional(readOnly = true)
		public long readEventual() {
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

		@Transactional(readOnly = true)
		public long readAny() {
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

	}

	@RestController
	static class RowsController {

		private final Rows rows;

		RowsController(Rows rows) {
			this.rows = rows;
		}

		@PostMapping("/rows/{value}")
		long write(@PathVariable String value) {
			return this.rows.insert(value);
		}

		@GetMapping("/rows/{id}")
		String read(@PathVariable long id) {
			return this.rows.read(id).value();
		}

	}

}
