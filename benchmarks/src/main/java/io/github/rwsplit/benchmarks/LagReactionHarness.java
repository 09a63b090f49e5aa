package io.github.rwsplit.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.testcluster.ClusterSpec;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;

/**
 * Measures how the lag monitor reacts, with its default settings, on a local cluster it starts:
 * time from stopping a replica's applier (writes continuing) to its removal and from restarting it
 * to its return, over repeated runs, per lag source; reads failed when a replica is killed under
 * load; and the queries the monitor sends. Prints its figures; run with
 * {@code benchmarks/lag-reaction.sh [cycles]}.
 */
public final class LagReactionHarness {

	private LagReactionHarness() {
	}

	public static void main(String[] args) throws Exception {
		boolean overheadOnly = args.length > 0 && args[0].equals("overhead");
		int cycles = (args.length > 0 && !overheadOnly) ? Integer.parseInt(args[0]) : 10;
		try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(2).build())) {
			cluster.executeOnPrimaryAndAwaitReplicas(
					"CREATE TABLE harness (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT)");
			// Measured first, on a fresh application, before any fault makes pools refill.
			try (ConfigurableApplicationContext app = start(cluster, "auto")) {
				Thread.sleep(3000);
				overhead(cluster);
			}
			if (overheadOnly) {
				return;
			}
			for (String source : List.of("gtid", "heartbeat", "replica-status")) {
				try (ConfigurableApplicationContext app = start(cluster, source)) {
					reaction(app, cluster, source, cycles);
				}
			}
			try (ConfigurableApplicationContext app = start(cluster, "auto")) {
				killUnderLoad(app, cluster, Math.max(3, cycles / 2));
			}
		}
	}

	private static ConfigurableApplicationContext start(MySqlReplicationCluster cluster, String lagSource) {
		Map<String, Object> properties = new LinkedHashMap<>(RwsplitClusterProperties.of(cluster));
		properties.put("rwsplit.monitor.lag-source", lagSource);
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		// HikariCP logs every connection broken by a killed replica, with its stack trace.
		properties.put("logging.level.com.zaxxer.hikari", "error");
		properties.put("spring.autoconfigure.exclude",
				"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
						+ "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration,"
						+ "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");
		return new SpringApplicationBuilder(HarnessApplication.class).web(WebApplicationType.NONE)
			.properties(properties)
			.run();
	}

	private static void reaction(ConfigurableApplicationContext app, MySqlReplicationCluster cluster, String source,
			int cycles) throws Exception {
		ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
		JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
		AtomicBoolean writing = new AtomicBoolean(true);
		Thread writer = new Thread(() -> {
			while (writing.get()) {
				try {
					jdbc.update("INSERT INTO harness (v) VALUES (1)");
					Thread.sleep(20);
				}
				catch (Exception ex) {
					return;
				}
			}
		});
		writer.start();
		List<Long> removals = new ArrayList<>();
		List<Long> returns = new ArrayList<>();
		try {
			for (int i = 0; i < cycles; i++) {
				waitFor(() -> state(monitor, "replica-1") == ReplicaState.HEALTHY, 30);
				cluster.stopReplicaSqlThread("replica-1");
				long stopped = System.nanoTime();
				waitFor(() -> state(monitor, "replica-1") != ReplicaState.HEALTHY, 30);
				removals.add((System.nanoTime() - stopped) / 1_000_000);
				cluster.startReplicaSqlThread("replica-1");
				long started = System.nanoTime();
				waitFor(() -> state(monitor, "replica-1") == ReplicaState.HEALTHY, 30);
				returns.add((System.nanoTime() - started) / 1_000_000);
			}
		}
		finally {
			writing.set(false);
			writer.join();
		}
		System.out.printf("lag-source %-14s removal after applier stop (ms): %s%n", source, summary(removals));
		System.out.printf("lag-source %-14s return after applier start (ms): %s%n", source, summary(returns));
	}

	private static void killUnderLoad(ConfigurableApplicationContext app, MySqlReplicationCluster cluster, int runs)
			throws Exception {
		ReplicaLagMonitor monitor = app.getBean(ReplicaLagMonitor.class);
		TransactionTemplate readOnly = new TransactionTemplate(app.getBean(
				org.springframework.transaction.PlatformTransactionManager.class));
		readOnly.setReadOnly(true);
		JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
		List<Long> removals = new ArrayList<>();
		List<Long> returns = new ArrayList<>();
		List<Integer> failed = new ArrayList<>();
		List<Integer> total = new ArrayList<>();
		for (int run = 0; run < runs; run++) {
			waitFor(() -> state(monitor, "replica-1") == ReplicaState.HEALTHY, 30);
			AtomicBoolean reading = new AtomicBoolean(true);
			AtomicInteger reads = new AtomicInteger();
			AtomicInteger failures = new AtomicInteger();
			ExecutorService readers = Executors.newFixedThreadPool(4);
			for (int t = 0; t < 4; t++) {
				readers.submit(() -> {
					while (reading.get()) {
						try {
							readOnly.execute((status) -> jdbc.queryForObject("SELECT @@server_id", Long.class));
							reads.incrementAndGet();
						}
						catch (RuntimeException ex) {
							failures.incrementAndGet();
						}
					}
				});
			}
			Thread.sleep(1000);
			cluster.kill("replica-1");
			long killed = System.nanoTime();
			waitFor(() -> state(monitor, "replica-1") == ReplicaState.DOWN, 30);
			removals.add((System.nanoTime() - killed) / 1_000_000);
			Thread.sleep(2000);
			reading.set(false);
			readers.shutdown();
			readers.awaitTermination(30, TimeUnit.SECONDS);
			failed.add(failures.get());
			total.add(reads.get());
			cluster.restart("replica-1");
			long restarted = System.nanoTime();
			waitFor(() -> state(monitor, "replica-1") == ReplicaState.HEALTHY, 60);
			returns.add((System.nanoTime() - restarted) / 1_000_000);
		}
		System.out.printf("replica SIGKILL under 4 readers: removal (ms) %s; failed reads per kill %s of %s reads; "
				+ "return after restart (ms) %s%n", summary(removals), failed, total, summary(returns));
	}

	/** Statements the monitor alone sends, from the servers' own counters over ten idle seconds. */
	private static void overhead(MySqlReplicationCluster cluster) throws Exception {
		Map<String, Long> before = new LinkedHashMap<>();
		for (String node : List.of("primary", "replica-1", "replica-2")) {
			before.put(node, ServerCounters.questions(cluster, node));
		}
		Thread.sleep(10_000);
		for (String node : before.keySet()) {
			// Each reading of the counter is one statement of our own on a new connection: subtract it.
			double perSecond = (ServerCounters.questions(cluster, node) - before.get(node) - 1) / 10.0;
			System.out.printf("monitor statements per second on %s: %.1f%n", node, perSecond);
		}
	}

	private static ReplicaState state(ReplicaLagMonitor monitor, String replica) {
		return monitor.snapshot().replica(replica).state();
	}

	private static void waitFor(BooleanSupplier condition, int seconds) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("condition not reached within " + seconds + " s");
			}
			Thread.sleep(5);
		}
	}

	private static String summary(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return String.format("n=%d min=%d p50=%d max=%d all=%s", sorted.size(), sorted.get(0),
				sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), values);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class HarnessApplication {

	}

}
