package io.github.rwsplit.testcluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mysqld} processes of one local cluster (asynchronous replication or Group
 * Replication alike): one directory for all their data, one watchdog, and each server's files,
 * process and logs. It knows nothing about replication; the cluster classes configure that in SQL.
 *
 * <p>Cleanup does not depend on the JVM ending well: besides {@link #close()}, a small watchdog
 * shell process holds a pipe from this JVM. When the pipe closes — the JVM exited or was killed —
 * the watchdog kills every process whose command line names this directory and deletes it. The
 * directory's name carries {@code RWSPLIT_CLUSTER_TAG} (see
 * {@link MySqlInstallation#createClusterDirectory()}), which is how {@code .ci/run} finds a run's
 * leftovers.
 */
final class LocalServers implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LocalServers.class);

	static final String LOOPBACK = "127.0.0.1";

	private static final String WATCHDOG_SCRIPT = """
			while read -r _; do :; done
			for p in /proc/[0-9]*; do
			  case "$(tr '\\000' ' ' < "$p/cmdline" 2>/dev/null)" in
			    *"$RWSPLIT_CLUSTER_TOKEN"*) kill -9 "${p#/proc/}" 2>/dev/null ;;
			  esac
			done
			rm -rf -- "$RWSPLIT_CLUSTER_DIR"
			""";

	private final MySqlInstallation mysql;

	private final Path directory;

	private final Map<String, Server> servers = new LinkedHashMap<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	/** Every process started here, guarded by itself; none may start once closed. */
	private final List<Process> processes = new ArrayList<>();

	private Process watchdog;

	private LocalServers(MySqlInstallation mysql, Path directory) {
		this.mysql = mysql;
		this.directory = directory;
	}

	/**
	 * A new, empty cluster directory with its watchdog running.
	 */
	static LocalServers create(MySqlInstallation mysql) {
		Path directory;
		try {
			directory = mysql.createClusterDirectory();
		}
		catch (IOException ex) {
			throw new ClusterStartException("Could not create a data directory for the cluster: " + ex.getMessage(), ex);
		}
		LocalServers servers = new LocalServers(mysql, directory);
		try {
			servers.startWatchdog();
		}
		catch (RuntimeException ex) {
			servers.close();
			throw ex;
		}
		return servers;
	}

	private void startWatchdog() {
		ProcessBuilder builder = new ProcessBuilder("sh", "-c", WATCHDOG_SCRIPT)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD);
		builder.environment().put("RWSPLIT_CLUSTER_TOKEN", this.directory.getFileName().toString());
		builder.environment().put("RWSPLIT_CLUSTER_DIR", this.directory.toString());
		try {
			this.watchdog = builder.start();
		}
		catch (IOException ex) {
			throw new ClusterStartException("Could not start the cluster's watchdog (sh): " + ex.getMessage(), ex);
		}
	}

	Path directory() {
		return this.directory;
	}

	MySqlInstallation mysql() {
		return this.mysql;
	}

	/**
	 * Declares a server; {@link Server#initialize} writes its files.
	 * @param node the node it serves
	 * @param extraConfiguration {@code my.cnf} lines after the common ones (later lines win)
	 * @param initSql statements run once at initialisation, outside the binary log
	 */
	Server add(ClusterNode node, String extraConfiguration, String initSql) {
		Server server = new Server(node, this.directory.resolve(node.name()), extraConfiguration, initSql);
		this.servers.put(node.name(), server);
		return server;
	}

	/** The server of a node; fails once closed. */
	Server get(String name) {
		if (this.closed.get()) {
			throw new IllegalStateException("The cluster is closed");
		}
		Server server = this.servers.get(name);
		if (server == null) {
			throw new IllegalArgumentException("No server named '" + name + "'; servers are " + this.servers.keySet());
		}
		return server;
	}

	List<Server> all() {
		return List.copyOf(this.servers.values());
	}

	/** Runs tasks on threads of their own and rethrows the first failure, with the others suppressed. */
	static void inParallel(List<Runnable> tasks) {
		List<Thread> threads = new ArrayList<>();
		List<RuntimeException> failures = new ArrayList<>();
		for (Runnable task : tasks) {
			Thread thread = new Thread(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					synchronized (failures) {
						failures.add(ex);
					}
				}
			}, "rwsplit-cluster-start");
			thread.setDaemon(true);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ClusterStartException("Interrupted while starting the cluster", ex);
			}
		}
		if (!failures.isEmpty()) {
			RuntimeException first = failures.get(0);
			failures.stream().skip(1).forEach(first::addSuppressed);
			throw first;
		}
	}

	/** Starts a process for this cluster, unless it is closed; then nothing is left running. */
	private Process startProcess(ProcessBuilder builder, String what) throws IOException {
		synchronized (this.processes) {
			if (this.closed.get()) {
				throw new IllegalStateException("The cluster is closed; not starting " + what);
			}
			this.processes.removeIf((process) -> !process.isAlive());
			Process process = builder.start();
			this.processes.add(process);
			return process;
		}
	}

	/** Kills every server and deletes the data. Idempotent. */
	@Override
	public void close() {
		List<Process> started;
		synchronized (this.processes) {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			started = new ArrayList<>(this.processes);
		}
		// Initialisations and servers alike, even those a start-up thread launched a moment ago.
		for (Process process : started) {
			process.destroyForcibly();
		}
		for (Process process : started) {
			try {
				process.waitFor(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		deleteRecursively(this.directory);
		if (this.watchdog != null) {
			// Closing its stdin tells the watchdog to clean up, which finds nothing left to do.
			try {
				this.watchdog.getOutputStream().close();
			}
			catch (IOException ex) {
				this.watchdog.destroy();
			}
		}
	}

	private static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Could not delete {} completely: {}", directory, ex.getMessage());
		}
	}

	/** One mysqld: its files, its process and how to start and stop it. */
	final class Server {

		private final ClusterNode node;

		private final Path home;

		private final String extraConfiguration;

		private final String initSql;

		private volatile Process process;

		Server(ClusterNode node, Path home, String extraConfiguration, String initSql) {
			this.node = node;
			this.home = home;
			this.extraConfiguration = extraConfiguration;
			this.initSql = initSql;
		}

		ClusterNode node() {
			return this.node;
		}

		/** A file of this server's directory as mysqld sees it. */
		String serverPath(String file) {
			return LocalServers.this.mysql.serverPath(this.home.resolve(file));
		}

		void initialize(Instant deadline, Duration startTimeout) {
			try {
				Files.createDirectories(this.home);
				Files.writeString(this.home.resolve("my.cnf"), configuration(), StandardCharsets.UTF_8);
				Files.writeString(this.home.resolve("init.sql"), "SET sql_log_bin=0;\n" + this.initSql,
						StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new ClusterStartException("Could not write the configuration of " + this.node.name() + ": "
						+ ex.getMessage(), ex);
			}
			Process init = spawn(List.of("--defaults-file=" + serverPath("my.cnf"), "--initialize-insecure",
					"--init-file=" + serverPath("init.sql"), "--super-read-only=OFF", "--read-only=OFF"));
			try {
				long millis = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
				if (!init.waitFor(millis, TimeUnit.MILLISECONDS)) {
					init.destroyForcibly();
					throw new ClusterStartException("Initialising " + this.node.name() + " timed out after " + millis
							+ " ms (what was left of the cluster's start timeout, " + startTimeout.toSeconds() + " s); "
							+ errorLogTail());
				}
				if (init.exitValue() != 0) {
					throw new ClusterStartException("Initialising " + this.node.name() + " failed (exit "
							+ init.exitValue() + "); " + errorLogTail());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				init.destroyForcibly();
				throw new ClusterStartException("Interrupted while initialising " + this.node.name(), ex);
			}
		}

		private String configuration() {
			StringBuilder cnf = new StringBuilder("[mysqld]\n");
			if ("root".equals(System.getProperty("user.name"))) {
				cnf.append("user=root\n");
			}
			cnf.append("datadir=").append(serverPath("data")).append('\n')
				.append("socket=").append(serverPath("mysqld.sock")).append('\n')
				.append("pid-file=").append(serverPath("mysqld.pid")).append('\n')
				.append("log-error=").append(serverPath("error.log")).append('\n')
				.append("port=").append(this.node.port()).append('\n')
				.append("bind-address=").append(LOOPBACK).append('\n')
				.append("server-id=").append(this.node.serverId()).append('\n')
				.append("""
						mysqlx=OFF
						secure-file-priv=
						skip-name-resolve
						log-bin=binlog
						relay-log=relay
						gtid_mode=ON
						enforce_gtid_consistency=ON
						# Small footprint: three servers share two cores.
						performance_schema=OFF
						innodb_buffer_pool_size=32M
						loose-innodb_redo_log_capacity=48M
						max_connections=300
						# Writes survive a SIGKILL of mysqld without an fsync per commit; only an OS crash
						# could lose them, and test clusters do not outlive their machine.
						innodb_flush_log_at_trx_commit=2
						sync_binlog=0
						""")
				.append(this.extraConfiguration);
			return cnf.toString();
		}

		void launch() {
			Process current = this.process;
			if (current != null && current.isAlive()) {
				throw new IllegalStateException(this.node.name() + " is running; kill it before restarting it");
			}
			this.process = spawn(List.of("--defaults-file=" + serverPath("my.cnf")));
		}

		private Process spawn(List<String> arguments) {
			ProcessBuilder builder = new ProcessBuilder(LocalServers.this.mysql.command(arguments))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.home.resolve("mysqld.out").toFile()))
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
			try {
				return startProcess(builder, "mysqld for " + this.node.name());
			}
			catch (IOException ex) {
				throw new ClusterStartException("Could not start mysqld for " + this.node.name() + ": " + ex.getMessage(), ex);
			}
		}

		boolean isRunning() {
			Process current = this.process;
			return current != null && current.isAlive();
		}

		/** Throws, with the log tail, when the server has exited; for start-up polling loops. */
		void checkAlive() {
			Process current = this.process;
			if (current != null && !current.isAlive()) {
				throw new ClusterStartException(this.node.name() + " (mysqld) exited with status "
						+ current.exitValue() + " while starting; " + errorLogTail());
			}
		}

		void kill() {
			Process current = this.process;
			if (current == null || !current.isAlive()) {
				return;
			}
			// A frozen process would ignore nothing but SIGKILL anyway; this is a crash, not a shutdown.
			current.destroyForcibly();
			try {
				if (!current.waitFor(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException(this.node.name() + " did not die within 30 s of SIGKILL");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void signal(String signal) {
			Process current = this.process;
			if (current == null || !current.isAlive()) {
				throw new IllegalStateException(this.node.name() + " is not running");
			}
			try {
				Process kill = new ProcessBuilder("sh", "-c", "kill -" + signal + " " + current.pid()).start();
				if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
					throw new IllegalStateException("Could not send SIG" + signal + " to " + this.node.name());
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		String errorLogTail() {
			List<String> lines = new ArrayList<>();
			for (String file : List.of("error.log", "mysqld.out")) {
				Path path = this.home.resolve(file);
				try {
					if (Files.exists(path)) {
						List<String> all = Files.readAllLines(path, StandardCharsets.UTF_8);
						lines.addAll(all.subList(Math.max(0, all.size() - 12), all.size()));
					}
				}
				catch (IOException ex) {
					lines.add("(could not read " + path + ": " + ex.getMessage() + ")");
				}
			}
			if (lines.isEmpty()) {
				// Said outright: an empty tail otherwise reads as a message cut off.
				return "its logs in " + this.home + " (error.log, mysqld.out) are empty: it wrote nothing before it "
						+ "was stopped";
			}
			return "last lines of its logs in " + this.home + ":\n" + String.join("\n", lines);
		}

	}

}
