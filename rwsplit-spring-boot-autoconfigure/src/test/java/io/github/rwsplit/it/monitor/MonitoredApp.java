package io.github.rwsplit.it.monitor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.it.ItProperties;

import static org.awaitility.Awaitility.await;

/**
 * A small application on a test cluster with a fast monitor (checks every 500 ms, max-lag 1 s,
 * recovery within 500 ms for 2 checks), and a background writer that keeps the primary busy.
 */
final class MonitoredApp implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofMillis(500);

	static final Duration MAX_LAG = Duration.ofSeconds(1);

	final ConfigurableApplicationContext context;

	final Probe probe;

	final ReplicaLagMonitor monitor;

	final RwsplitDataSource dataSource;

	private final MySqlReplicationCluster cluster;

	private Thread writer;

	private final AtomicBoolean writing = new AtomicBoolean();

	final AtomicLong writes = new AtomicLong();

	MonitoredApp(MySqlReplicationCluster cluster, String... extra) {
		this.cluster = cluster;
		Map<String, Object> properties = ItProperties.jdbcOnly(cluster);
		properties.put("rwsplit.monitor.interval", INTERVAL.toMillis() + "ms");
		properties.put("rwsplit.monitor.check-timeout", "400ms");
		properties.put("rwsplit.monitor.primary-interval", "100ms");
		properties.put("rwsplit.monitor.max-lag", MAX_LAG.toMillis() + "ms");
		properties.put("rwsplit.monitor.recovery-checks", "2");
		for (String property : extra) {
			int equals = property.indexOf('=');
			properties.put(property.substring(0, equals), property.substring(equals + 1));
		}
		this.context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
		this.probe = this.context.getBean(Probe.class);
		this.monitor = this.context.getBean(ReplicaLagMonitor.class);
		this.dataSource = this.context.getBean(RwsplitDataSource.class);
	}

	static void createTable(MySqlReplicationCluster cluster) throws Exception {
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE IF NOT EXISTS monitor_it (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT)");
	}

	/** Writes to the primary every 20 ms until {@link #stopWriting()}. */
	void startWriting() {
		this.writing.set(true);
		this.writer = new Thread(() -> {
			while (this.writing.get()) {
				try {
					this.probe.write();
					this.writes.incrementAndGet();
				}
				catch (RuntimeException ex) {
					// The primary may be down on purpose; keep trying.
				}
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "monitor-it-writer");
		this.writer.setDaemon(true);
		this.writer.start();
	}

	void stopWriting() throws InterruptedException {
		this.writing.set(false);
		if (this.writer != null) {
			this.writer.join(10_000);
		}
	}

	ReplicaHealth health(String replica) {
		return this.monitor.snapshot().replica(replica);
	}

	/** Waits until a replica is in a state; returns how long that took. */
	Duration awaitState(String replica, ReplicaState state, Duration atMost) {
		long start = System.nanoTime();
		try {
			await(replica + " " + state).atMost(atMost)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> health(replica).state() == state);
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			throw new AssertionError(replica + " did not become " + state + " within " + atMost + "; last health: "
					+ health(replica) + "; replication: " + this.cluster.replicaStatus(replica), ex);
		}
		return Duration.ofNanos(System.nanoTime() - start);
	}

	@Override
	public void close() throws InterruptedException {
		stopWriting();
		this.context.close();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Probe.class)
	static class App {

	}

	@Service
	static class Probe {

		private final JdbcTemplate jdbc;

		Probe(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public long readOnly() {
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

		@ReadReplica(maxLag = "200ms")
		public long freshRead() {
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

		@Transactional(readOnly = true)
		public long slowRead(java.util.concurrent.CountDownLatch release) throws InterruptedException {
			long serverId = this.jdbc.queryForObject("SELECT @@server_id", Long.class);
			release.await();
			return serverId;
		}

		@Transactional
		public long write() {
			this.jdbc.update("INSERT INTO monitor_it (v) VALUES (1)");
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

	}

}
