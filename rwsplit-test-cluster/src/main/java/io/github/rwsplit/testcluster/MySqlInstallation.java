package io.github.rwsplit.testcluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MySQL 8.0+ {@code mysqld} this machine can run, either directly or inside the Debian sid
 * chroot that {@code provision-mysql.sh} builds, and how paths look to it.
 *
 * <p>Found in this order: {@code -Drwsplit.mysqld} / {@code RWSPLIT_MYSQLD}; {@code mysqld} on
 * {@code PATH}; the chroot ({@code -Drwsplit.mysql.chroot} / {@code RWSPLIT_MYSQL_CHROOT}, default
 * {@code ~/.cache/rwsplit/mysql-sid}); and otherwise the bundled provisioning script is run,
 * unless {@code RWSPLIT_MYSQL_PROVISION=false}.
 */
final class MySqlInstallation {

	private static final Logger logger = LoggerFactory.getLogger(MySqlInstallation.class);

	private static final Pattern VERSION = Pattern.compile("Ver (\\d+)\\.(\\d+)\\.(\\d+)");

	private static final String CHROOT_MYSQLD = "/usr/sbin/mysqld";

	private static final String READY_MARKER = ".rwsplit-ready";

	private final Path mysqld;

	private final Path chroot;

	private final String version;

	private MySqlInstallation(Path mysqld, Path chroot, String version) {
		this.mysqld = mysqld;
		this.chroot = chroot;
		this.version = version;
	}

	static synchronized MySqlInstallation locate() {
		Settings.Setting explicit = Settings.get("rwsplit.mysqld", "RWSPLIT_MYSQLD");
		if (explicit != null) {
			Path path = Path.of(explicit.value());
			MySqlInstallation installation = Files.isExecutable(path) ? probe(path, null) : null;
			if (installation == null) {
				throw new ClusterStartException(explicit.source() + "=" + explicit.value()
						+ " is not an executable MySQL 8.0+ mysqld (MariaDB is not supported)");
			}
			return installation;
		}
		MySqlInstallation found = findWithoutProvisioning();
		if (found != null) {
			return found;
		}
		Settings.Setting provision = Settings.get("rwsplit.mysql.provision", "RWSPLIT_MYSQL_PROVISION");
		if (provision != null && "false".equalsIgnoreCase(provision.value())) {
			throw new ClusterStartException("No MySQL 8.0+ mysqld found (PATH, " + chrootDirectory()
					+ ") and provisioning is off (" + provision.source() + "=false). " + HOW_TO_POINT_ELSEWHERE);
		}
		provision();
		found = findWithoutProvisioning();
		if (found == null) {
			throw new ClusterStartException("provision-mysql.sh finished but no usable mysqld was found in "
					+ chrootDirectory() + ". " + HOW_TO_POINT_ELSEWHERE);
		}
		return found;
	}

	static final String HOW_TO_POINT_ELSEWHERE = "Put a MySQL 8.0+ mysqld on PATH or set RWSPLIT_MYSQLD to one, "
			+ "or set RWSPLIT_CLUSTER_PROVIDER=docker on a machine with a Docker engine (see docs/development.md).";

	private static MySqlInstallation findWithoutProvisioning() {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(":")) {
				Path candidate = Path.of(entry.isEmpty() ? "." : entry, "mysqld");
				if (Files.isExecutable(candidate)) {
					MySqlInstallation installation = probe(candidate, null);
					if (installation != null) {
						return installation;
					}
				}
			}
		}
		Path chroot = chrootDirectory();
		if (Files.exists(chroot.resolve(READY_MARKER)) && Files.isExecutable(chroot.resolve(CHROOT_MYSQLD.substring(1)))) {
			return probe(Path.of(CHROOT_MYSQLD), chroot);
		}
		return null;
	}

	static Path chrootDirectory() {
		Settings.Setting setting = Settings.get("rwsplit.mysql.chroot", "RWSPLIT_MYSQL_CHROOT");
		if (setting != null) {
			return Path.of(setting.value());
		}
		return chrootDirectory(System.getenv(), System.getProperty("user.home"));
	}

	/**
	 * The same rule as provision-mysql.sh: XDG_CACHE_HOME, else $HOME, else the account's home
	 * (Java's user.home). Two rules let one machine end up with two 640 MB copies.
	 */
	static Path chrootDirectory(java.util.Map<String, String> environment, String userHome) {
		String cache = environment.get("XDG_CACHE_HOME");
		String home = environment.get("HOME");
		Path cacheRoot = (cache != null && !cache.isBlank()) ? Path.of(cache)
				: Path.of((home != null && !home.isBlank()) ? home : userHome, ".cache");
		return cacheRoot.resolve("rwsplit").resolve("mysql-sid");
	}

	/** Runs {@code mysqld --version}; a MariaDB or pre-8.0 server, or one that will not run, gives null. */
	private static MySqlInstallation probe(Path mysqld, Path chroot) {
		MySqlInstallation candidate = new MySqlInstallation(mysqld, chroot, "?");
		try {
			Process process = new ProcessBuilder(candidate.command(List.of("--version"))).redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || out.contains("MariaDB")) {
				return null;
			}
			Matcher matcher = VERSION.matcher(out);
			if (!matcher.find() || Integer.parseInt(matcher.group(1)) < 8) {
				return null;
			}
			return new MySqlInstallation(mysqld, chroot,
					matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3));
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static void provision() {
		Path script;
		try (InputStream in = MySqlInstallation.class.getResourceAsStream("provision-mysql.sh")) {
			if (in == null) {
				throw new ClusterStartException("provision-mysql.sh is missing from the rwsplit-test-cluster jar");
			}
			script = Files.createTempFile("rwsplit-provision-mysql", ".sh");
			Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new ClusterStartException("Could not unpack provision-mysql.sh: " + ex.getMessage(), ex);
		}
		logger.info("No MySQL 8.0+ mysqld found; provisioning one with provision-mysql.sh into {}", chrootDirectory());
		ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
		builder.environment().put("RWSPLIT_MYSQL_CHROOT", chrootDirectory().toString());
		List<String> output = new ArrayList<>();
		try {
			Process process = builder.start();
			// Relayed line by line rather than inherited: a test JVM's stdout is the build tool's channel.
			try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
				String line;
				while ((line = reader.readLine()) != null) {
					output.add(line);
					logger.info("{}", line);
				}
			}
			int exit = process.waitFor();
			if (exit != 0) {
				throw new ClusterStartException("provision-mysql.sh failed (exit " + exit + "):\n"
						+ String.join("\n", output.subList(Math.max(0, output.size() - 15), output.size())));
			}
		}
		catch (IOException ex) {
			throw new ClusterStartException("Could not run provision-mysql.sh with bash: " + ex.getMessage() + ". "
					+ HOW_TO_POINT_ELSEWHERE, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ClusterStartException("Interrupted while provisioning MySQL", ex);
		}
		finally {
			try {
				Files.deleteIfExists(script);
			}
			catch (IOException ex) {
				// A stray temp file is harmless.
			}
		}
	}

	/** The command line that runs mysqld with the given arguments. */
	List<String> command(List<String> arguments) {
		List<String> command = new ArrayList<>();
		if (this.chroot != null) {
			command.add("chroot");
			command.add(this.chroot.toString());
		}
		command.add(this.mysqld.toString());
		command.addAll(arguments);
		return command;
	}

	/**
	 * A new, empty directory for a cluster's data that mysqld can reach. Its name carries
	 * {@code RWSPLIT_CLUSTER_TAG} when set, so that a run (CI's, say) can find and clean up its own
	 * servers without touching another run's on the same machine.
	 */
	Path createClusterDirectory() throws IOException {
		Path parent = (this.chroot != null) ? this.chroot.resolve("tmp") : Path.of(System.getProperty("java.io.tmpdir"));
		Files.createDirectories(parent);
		String tag = System.getenv("RWSPLIT_CLUSTER_TAG");
		boolean tagged = tag != null && tag.matches("[A-Za-z0-9_.-]{1,40}");
		return Files.createTempDirectory(parent, tagged ? "rwsplit-cluster-" + tag + "-" : "rwsplit-cluster-");
	}

	/** A host path as mysqld sees it (inside the chroot, if there is one). */
	String serverPath(Path hostPath) {
		if (this.chroot == null) {
			return hostPath.toString();
		}
		return "/" + this.chroot.relativize(hostPath);
	}

	String version() {
		return this.version;
	}

	@Override
	public String toString() {
		return "MySQL " + this.version + " (" + this.mysqld + ((this.chroot != null) ? " in chroot " + this.chroot : "") + ")";
	}

}
