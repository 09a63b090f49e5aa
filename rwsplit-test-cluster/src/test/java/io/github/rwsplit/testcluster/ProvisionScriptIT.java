package io.github.rwsplit.testcluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provisioning script: idempotent, and clear about what is missing when it cannot work.
 */
class ProvisionScriptIT {

	private static final Path SCRIPT = Path.of("..", "scripts", "provision-mysql.sh");

	@Test
	void secondRunIsANoOp() throws Exception {
		Result first = run(SCRIPT, Map.of());
		assertThat(first.exit()).as(first.output()).isZero();
		Path chroot = MySqlInstallation.chrootDirectory();
		FileTime builtAt = readyMarkerTime(chroot);

		Result second = run(SCRIPT, Map.of());

		assertThat(second.exit()).as(second.output()).isZero();
		assertThat(second.output()).startsWith("provision-mysql: using ").doesNotContain("building");
		assertThat(readyMarkerTime(chroot)).isEqualTo(builtAt);
	}

	@Test
	void theJarCarriesTheSameScript() throws IOException {
		try (var in = MySqlInstallation.class.getResourceAsStream("provision-mysql.sh")) {
			assertThat(in).isNotNull();
			assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(Files.readString(SCRIPT));
		}
	}

	@Test
	void anExplicitMysqldThatIsNotMySqlIsRejectedByName() throws Exception {
		Result result = run(SCRIPT, Map.of("RWSPLIT_MYSQLD", "/bin/true"));
		assertThat(result.exit()).isEqualTo(1);
		assertThat(result.output()).contains("RWSPLIT_MYSQLD=/bin/true is not a MySQL 8.0+ mysqld")
			.contains("RWSPLIT_CLUSTER_PROVIDER=docker");
	}

	@Test
	void withoutRootItSaysWhatIsMissingAndHowToPointElsewhere(@TempDir Path temp) throws Exception {
		Path script = temp.resolve("provision-mysql.sh");
		Files.copy(SCRIPT, script);
		Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
		Map<String, String> environment = Map.of("RWSPLIT_MYSQL_CHROOT", temp.resolve("no-chroot-here").toString(),
				"PATH", "/usr/bin:/bin", "HOME", temp.toString());
		// As root, drop to 'nobody' to see what an ordinary user is told.
		boolean root = "root".equals(System.getProperty("user.name"));
		Result result = root ? run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash",
				script.toString()), environment) : run(script, environment);

		assertThat(result.exit()).as(result.output()).isEqualTo(1);
		assertThat(result.output()).contains("needs root")
			.contains("RWSPLIT_MYSQLD=/path/to/mysqld")
			.contains("RWSPLIT_CLUSTER_PROVIDER=docker")
			.contains("rwsplit.primary.url");
	}

	private static FileTime readyMarkerTime(Path chroot) throws IOException {
		Path marker = chroot.resolve(".rwsplit-ready");
		// With a mysqld on PATH the script never builds a chroot; there is nothing to rebuild then.
		return Files.exists(marker) ? Files.getLastModifiedTime(marker) : null;
	}

	record Result(int exit, String output) {
	}

	private static Result run(Path script, Map<String, String> environment) throws Exception {
		return run(List.of("bash", script.toString()), environment);
	}

	private static Result run(List<String> command, Map<String, String> environment) throws Exception {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().remove("RWSPLIT_MYSQLD");
		builder.environment().putAll(environment);
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
		return new Result(process.exitValue(), output);
	}

}
