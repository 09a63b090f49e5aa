package io.github.rwsplit.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

import org.springframework.jdbc.core.JdbcTemplate;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.ClusterSpec;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;

/**
 * rwsplit against the alternatives on one local 1 + 2 cluster, writing JSON, SVG charts and the
 * Markdown tables of {@code docs/benchmarks.md} (between its {@code peers} markers). Run with
 * {@code benchmarks/peers.sh}.
 * <ul>
 * <li>{@code overhead}: a read-only transaction with a primary-key SELECT, a read-write transaction
 * with an INSERT, and a 90/10 mix; 1, 4 and 16 threads; throughput and p99 per contender, the
 * contenders interleaved one at a time in shuffled rounds, and each one's ratio to plain HikariCP
 * from the same rounds.</li>
 * <li>{@code consistency}: replica-1 applies everything 1 s late, replica-2 is current; a session
 * writes a row then reads it back, each in its own transaction: stale reads, the share of reads a
 * replica served, and read latency.</li>
 * </ul>
 */
public final class PeersHarness {

	private static final Path DOCS = Path.of("docs");

	private static final Path OUTPUT = DOCS.resolve("benchmarks");

	private static final int[] THREADS = { 1, 4, 16 };

	private PeersHarness() {
	}

	public static void main(String[] args) throws Exception {
		String what = (args.length > 0) ? args[0] : "all";
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		long millis = (args.length > 2) ? Long.parseLong(args[2]) : 2000;
		Files.createDirectories(OUTPUT);
		if (what.equals("overhead") || what.equals("all")) {
			overhead(rounds, millis);
		}
		if (what.equals("consistency") || what.equals("all")) {
			consistency(300);
		}
		if (what.equals("one-replica")) {
			oneReplica(rounds, millis);
		}
		if (what.equals("mix")) {
			mix(rounds, millis);
		}
		if (what.equals("mix-one-replica")) {
			// rwsplit over the floor's replica only, as plain HikariCP reads: the mix without the cost of
			// spreading reads over two servers that share two cores.
			mix(rounds, millis, "rwsplit.replicas.replica-1.group=unused");
		}
		if (what.equals("statements")) {
			statements(rounds * 1000);
		}
	}

	/**
	 * Statements each server received per operation (its {@code Questions} counter), for plain
	 * HikariCP and rwsplit in both modes, one thread, the monitors' own statements included: where
	 * an operation's round trips go. Prints only.
	 */
	private static void statements(int operations) throws Exception {
		try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(2).build())) {
			createTables(cluster);
			List<Contender> contenders = List.of(Peers.plain(cluster), Peers.rwsplit(cluster, "gtid"),
					Peers.rwsplit(cluster, "eventual"));
			Map<String, Consumer<Contender>> workloads = new LinkedHashMap<>();
			workloads.put("read-only transaction", PeersHarness::read);
			workloads.put("write transaction", PeersHarness::write);
			workloads.put("90/10 mix", PeersHarness::mixed);
			try {
				for (Map.Entry<String, Consumer<Contender>> workload : workloads.entrySet()) {
					for (Contender contender : contenders) {
						cluster.awaitReplicasCaughtUp(Duration.ofMinutes(5));
						Map<String, Long> before = new LinkedHashMap<>();
						for (ClusterNode node : cluster.nodes()) {
							before.put(node.name(), ServerCounters.questions(cluster, node.name()));
						}
						for (int i = 0; i < operations; i++) {
							workload.getValue().accept(contender);
						}
						StringBuilder line = new StringBuilder();
						double total = 0;
						for (ClusterNode node : cluster.nodes()) {
							// The SHOW STATUS that reads the counter counts itself.
							double perOperation = (ServerCounters.questions(cluster, node.name()) - before.get(node.name()) - 1)
									/ (double) operations;
							total += perOperation;
							line.append(String.format(Locale.ROOT, ", %s %.2f", node.name(), perOperation));
						}
						System.out.printf(Locale.ROOT, "%s, %s: %.2f statements per operation%s%n", workload.getKey(),
								contender.name(), total, line);
					}
				}
			}
			finally {
				for (Contender contender : contenders) {
					contender.close();
				}
			}
		}
	}

	/**
	 * Read-only transactions of plain HikariCP against rwsplit over two replicas and over the floor's
	 * one replica (the other moved out of the default group), at 4 and 16 threads: separates what
	 * routing costs from what spreading reads over two servers costs on a small machine. Prints only.
	 */
	private static void oneReplica(int rounds, long millis) throws Exception {
		try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(2).build())) {
			createTables(cluster);
			List<Contender> contenders = List.of(Peers.plain(cluster), Peers.rwsplit(cluster, "eventual"),
					Peers.rwsplit(cluster, "eventual", "rwsplit.replicas.replica-1.group=unused"));
			try {
				Interleaved run = new Interleaved();
				run.add("plain HikariCP", () -> read(contenders.get(0)));
				run.add("rwsplit, two replicas", () -> read(contenders.get(1)));
				run.add("rwsplit, the floor's replica only", () -> read(contenders.get(2)));
				for (int threads : new int[] { 4, 16 }) {
					Map<String, double[]> ops = Interleaved.throughputs(run.runConcurrent(threads, 1000, rounds, millis));
					System.out.printf("%nRead-only transactions, %d threads:%n%n", threads);
					Interleaved.print(ops);
				}
			}
			finally {
				for (Contender contender : contenders) {
					contender.close();
				}
			}
		}
	}

	/**
	 * The 90/10 mix alone, for plain HikariCP and rwsplit with and without read-your-writes: what
	 * GTID consistency costs, side by side in one run. Prints only.
	 */
	private static void mix(int rounds, long millis, String... rwsplitSettings) throws Exception {
		try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(2).build())) {
			createTables(cluster);
			List<Contender> contenders = List.of(Peers.plain(cluster), Peers.rwsplit(cluster, "gtid", rwsplitSettings),
					Peers.rwsplit(cluster, "eventual", rwsplitSettings));
			try {
				for (int threads : THREADS) {
					Interleaved run = new Interleaved().beforeEach(() -> cluster.awaitReplicasCaughtUp(Duration.ofMinutes(5)));
					Map<String, java.util.concurrent.atomic.LongAdder> failures = new LinkedHashMap<>();
					for (Contender contender : contenders) {
						java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();
						failures.put(contender.name(), failed);
						run.add(contender.name(), () -> {
							// A failed operation is counted and the run goes on: failing fast is a result too.
							try {
								mixed(contender);
							}
							catch (RuntimeException ex) {
								failed.increment();
							}
						});
					}
					Map<String, double[]> ops = Interleaved.throughputs(run.runConcurrent(threads, 1000, rounds, millis));
					System.out.printf("%n90 %% reads / 10 %% writes, %d thread(s):%n%n", threads);
					Interleaved.print(ops);
					failures.forEach((name, failed) -> System.out.printf("failed operations, %s: %d%n", name, failed.sum()));
					for (Contender contender : contenders) {
						String routes = contender.routesSinceLastAsked();
						if (routes != null) {
							System.out.printf("connections, %s: %s%n", contender.name(), routes);
						}
					}
				}
			}
			finally {
				for (Contender contender : contenders) {
					contender.close();
				}
			}
		}
	}

	// ---- routing overhead ----

	private static void overhead(int rounds, long millis) throws Exception {
		try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(2).build())) {
			createTables(cluster);
			List<Contender> contenders = new ArrayList<>();
			contenders.add(Peers.plain(cluster));
			contenders.add(Peers.rwsplit(cluster, "auto"));
			contenders.add(Peers.rwsplit(cluster, "eventual"));
			contenders.add(Peers.springReadOnlyDataSource(cluster));
			contenders.add(Peers.shardingSphere(cluster));
			contenders.add(Peers.dynamicDataSource(cluster));
			contenders.add(Peers.connectorJReplication(cluster));
			contenders.add(Peers.awsWrapper(cluster));
			Map<String, Function<Contender, Interleaved.Work>> workloads = new LinkedHashMap<>();
			workloads.put("read-only transaction, PK SELECT", (c) -> () -> read(c));
			workloads.put("write transaction, INSERT", (c) -> () -> write(c));
			workloads.put("90 % reads / 10 % writes", (c) -> () -> mixed(c));
			// workload -> threads -> contender -> samples
			Map<String, Map<Integer, Map<String, Interleaved.Sample[]>>> results = new LinkedHashMap<>();
			try {
				for (Map.Entry<String, Function<Contender, Interleaved.Work>> workload : workloads.entrySet()) {
					for (int threads : THREADS) {
						// Each contender starts with the replicas caught up: a backlog left by the previous one's writes
						// (16 threads of inserts outrun the replicas' appliers here) would slow its reads.
						Interleaved run = new Interleaved()
							.beforeEach(() -> cluster.awaitReplicasCaughtUp(Duration.ofMinutes(5)));
						for (Contender contender : contenders) {
							run.add(contender.name(), workload.getValue().apply(contender));
						}
						System.out.printf("%s, %d thread(s)...%n", workload.getKey(), threads);
						results.computeIfAbsent(workload.getKey(), (k) -> new LinkedHashMap<>())
							.put(threads, run.runConcurrent(threads, Math.min(millis, 1000), rounds, millis));
					}
				}
			}
			finally {
				for (Contender contender : contenders) {
					contender.close();
				}
			}
			writeOverhead(results, rounds, millis);
		}
	}

	private static void createTables(MySqlReplicationCluster cluster) throws java.sql.SQLException {
		cluster.executeOnPrimaryAndAwaitReplicas("CREATE TABLE bench_rows (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)",
				"SET SESSION cte_max_recursion_depth = 10000",
				"INSERT INTO bench_rows WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
						+ "WHERE n < 1000) SELECT n, CONCAT('row-', n) FROM seq",
				"CREATE TABLE bench_writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
	}

	/** One operation of the 90/10 mix. */
	private static void mixed(Contender contender) {
		if (ThreadLocalRandom.current().nextInt(10) == 0) {
			write(contender);
		}
		else {
			read(contender);
		}
	}

	private static void read(Contender contender) {
		int id = 1 + ThreadLocalRandom.current().nextInt(1000);
		contender.read((jdbc) -> jdbc.queryForObject("SELECT v FROM bench_rows WHERE id = ?", String.class, id));
	}

	private static void write(Contender contender) {
		contender.write((jdbc) -> jdbc.update("INSERT INTO bench_writes (v) VALUES ('x')"));
	}

	private static void writeOverhead(Map<String, Map<Integer, Map<String, Interleaved.Sample[]>>> results, int rounds,
			long millis) throws Exception {
		StringBuilder json = new StringBuilder("{\n  \"rounds\": ").append(rounds).append(",\n  \"millisPerRound\": ")
			.append(millis).append(",\n  \"workloads\": {\n");
		StringBuilder markdown = new StringBuilder();
		int w = 0;
		for (var workload : results.entrySet()) {
			json.append(w++ > 0 ? ",\n" : "").append("    \"").append(workload.getKey()).append("\": {\n");
			markdown.append("\n**").append(workload.getKey()).append("** — median ops/s, ratio to plain HikariCP ")
				.append("(median of per-round ratios, min–max), p99 latency:\n\n")
				.append("| contender | 1 thread | 4 threads | 16 threads |\n| --- | --- | --- | --- |\n");
			SvgBars chart = new SvgBars(workload.getKey() + ": throughput relative to plain HikariCP", " %", 150);
			Map<String, String[]> rows = new LinkedHashMap<>();
			int t = 0;
			for (var byThreads : workload.getValue().entrySet()) {
				int threads = byThreads.getKey();
				json.append(t++ > 0 ? ",\n" : "").append("      \"").append(threads).append("\": {\n");
				chart.section(threads + (threads == 1 ? " thread" : " threads"));
				Interleaved.Sample[] floor = byThreads.getValue().values().iterator().next();
				int c = 0;
				for (var contender : byThreads.getValue().entrySet()) {
					Interleaved.Sample[] samples = contender.getValue();
					double[] ops = new double[samples.length];
					double[] ratios = new double[samples.length];
					double[] p99 = new double[samples.length];
					for (int i = 0; i < samples.length; i++) {
						ops[i] = samples[i].opsPerSecond();
						ratios[i] = samples[i].opsPerSecond() / floor[i].opsPerSecond();
						p99[i] = samples[i].p99Micros();
					}
					Arrays.sort(ops);
					Arrays.sort(ratios);
					Arrays.sort(p99);
					double ratio = 100 * Interleaved.median(ratios);
					json.append(c > 0 ? ",\n" : "").append("        \"").append(contender.getKey()).append("\": {")
						.append("\"opsPerSecond\": ").append(list(samples, Interleaved.Sample::opsPerSecond))
						.append(", \"p99Micros\": ").append(list(samples, Interleaved.Sample::p99Micros))
						.append(", \"medianRatioToPlain\": ").append(String.format(Locale.ROOT, "%.4f", ratio / 100))
						.append('}');
					String cell = String.format(Locale.ROOT, "%,.0f · **%.0f %%** (%.0f–%.0f) · p99 %.2f ms",
							Interleaved.median(ops), ratio, 100 * ratios[0], 100 * ratios[ratios.length - 1],
							Interleaved.median(p99) / 1000);
					rows.computeIfAbsent(contender.getKey(), (k) -> new String[THREADS.length])[t - 1] = cell;
					chart.bar(contender.getKey(), ratio, c);
					c++;
				}
				json.append("\n      }");
			}
			json.append("\n    }");
			rows.forEach((name, cells) -> markdown.append("| ").append(name).append(" | ")
				.append(String.join(" | ", cells)).append(" |\n"));
			String file = "peers-overhead-" + (w) + ".svg";
			Files.writeString(OUTPUT.resolve(file), chart.render());
			markdown.append("\n![").append(workload.getKey()).append("](benchmarks/").append(file).append(")\n");
		}
		json.append("\n  }\n}\n");
		Files.writeString(OUTPUT.resolve("peers-overhead.json"), json);
		replaceSection("peers-overhead", markdown.toString());
		System.out.println(markdown);
	}

	private static String list(Interleaved.Sample[] samples, java.util.function.ToDoubleFunction<Interleaved.Sample> value) {
		StringBuilder text = new StringBuilder("[");
		for (int i = 0; i < samples.length; i++) {
			text.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.1f", value.applyAsDouble(samples[i])));
		}
		return text.append(']').toString();
	}

	// ---- consistency under lag ----

	private record Consistency(String name, int trials, int stale, int onReplica, double p50Micros, double p99Micros) {
	}

	private static void consistency(int trials) throws Exception {
		List<Consistency> results = new ArrayList<>();
		try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(2).build())) {
			cluster.executeOnPrimaryAndAwaitReplicas(
					"CREATE TABLE ryw_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40) NOT NULL)");
			cluster.setReplicationDelay("replica-1", Duration.ofSeconds(1));
			List<Contender> contenders = new ArrayList<>();
			for (String mode : List.of("eventual", "pin", "gtid")) {
				// The delayed replica stays in rotation, as it does for the peers, which have no lag monitor.
				contenders.add(Peers.rwsplit(cluster, mode, "rwsplit.monitor.max-lag=10s"));
			}
			contenders.add(Peers.springReadOnlyDataSource(cluster));
			contenders.add(Peers.shardingSphere(cluster));
			contenders.add(Peers.dynamicDataSource(cluster));
			contenders.add(Peers.connectorJReplication(cluster));
			contenders.add(Peers.awsWrapper(cluster));
			for (Contender contender : contenders) {
				try (contender) {
					ConsistencyContext.clear();
					// A few trials first, so that every pool and replica has been used once.
					writeThenRead(contender, 20);
					results.add(writeThenRead(contender, trials));
					System.out.println(results.get(results.size() - 1));
				}
			}
		}
		writeConsistency(results);
	}

	private static Consistency writeThenRead(Contender contender, int trials) {
		int stale = 0;
		int onReplica = 0;
		long[] micros = new long[trials];
		for (int i = 0; i < trials; i++) {
			String value = "v" + i;
			long id = contender.write((jdbc) -> {
				jdbc.update("INSERT INTO ryw_rows (v) VALUES (?)", value);
				return jdbc.queryForObject("SELECT LAST_INSERT_ID()", Long.class);
			});
			long start = System.nanoTime();
			Object[] row = contender.read((JdbcTemplate jdbc) -> {
				List<Object[]> rows = jdbc.query("SELECT v, @@server_id FROM ryw_rows WHERE id = ?",
						(rs, n) -> new Object[] { rs.getString(1), rs.getLong(2) }, id);
				return rows.isEmpty() ? new Object[] { null, jdbc.queryForObject("SELECT @@server_id", Long.class) }
						: rows.get(0);
			});
			micros[i] = (System.nanoTime() - start) / 1000;
			if (!value.equals(row[0])) {
				stale++;
			}
			if ((Long) row[1] != 1L) {
				onReplica++;
			}
		}
		Arrays.sort(micros);
		return new Consistency(contender.name(), trials, stale, onReplica, micros[trials / 2],
				micros[Math.min(trials - 1, trials * 99 / 100)]);
	}

	private static void writeConsistency(List<Consistency> results) throws Exception {
		StringBuilder json = new StringBuilder("[\n");
		StringBuilder markdown = new StringBuilder("\n| contender | stale reads | reads served by a replica | read p50 | read p99 |\n"
				+ "| --- | --- | --- | --- | --- |\n");
		SvgBars stale = new SvgBars("Write, then read it back, with one replica 1 s behind", " %", 100);
		stale.section("stale reads (lower is better)");
		for (int i = 0; i < results.size(); i++) {
			Consistency result = results.get(i);
			json.append(i > 0 ? ",\n" : "").append(String.format(Locale.ROOT,
					"  {\"contender\": \"%s\", \"trials\": %d, \"stale\": %d, \"onReplica\": %d, \"readP50Micros\": %.0f, "
							+ "\"readP99Micros\": %.0f}",
					result.name(), result.trials(), result.stale(), result.onReplica(), result.p50Micros(),
					result.p99Micros()));
			markdown.append(String.format(Locale.ROOT, "| %s | %d / %d (%.1f %%) | %.1f %% | %.2f ms | %.2f ms |%n",
					result.name(), result.stale(), result.trials(), 100.0 * result.stale() / result.trials(),
					100.0 * result.onReplica() / result.trials(), result.p50Micros() / 1000, result.p99Micros() / 1000));
			stale.bar(result.name(), 100.0 * result.stale() / result.trials(), i);
		}
		stale.section("reads served by a replica (higher offloads more)");
		for (int i = 0; i < results.size(); i++) {
			stale.bar(results.get(i).name(), 100.0 * results.get(i).onReplica() / results.get(i).trials(), i);
		}
		json.append("\n]\n");
		Files.writeString(OUTPUT.resolve("peers-consistency.json"), json);
		Files.writeString(OUTPUT.resolve("peers-consistency.svg"), stale.render());
		markdown.append("\n![Consistency under lag](benchmarks/peers-consistency.svg)\n");
		replaceSection("peers-consistency", markdown.toString());
		System.out.println(markdown);
	}

	/** Replaces what lies between {@code <!-- name:begin -->} and {@code <!-- name:end -->} in docs/benchmarks.md. */
	private static void replaceSection(String name, String content) throws Exception {
		Path page = DOCS.resolve("benchmarks.md");
		String text = Files.readString(page);
		String begin = "<!-- " + name + ":begin -->";
		String end = "<!-- " + name + ":end -->";
		int from = text.indexOf(begin);
		int to = text.indexOf(end);
		if (from < 0 || to < from) {
			throw new IllegalStateException(page + " has no " + begin + " ... " + end + " section");
		}
		Files.writeString(page, text.substring(0, from + begin.length()) + "\n" + content + text.substring(to));
	}

}
