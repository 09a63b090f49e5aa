package io.github.rwsplit.testcluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provisioning script and the Java side agree on where the MySQL chroot lives, so that one
 * machine keeps one 640 MB copy whatever its HOME says.
 */
class ChrootDirectoryTest {

	private static final Path SCRIPT = Path.of("..", "scripts", "provision-mysql.sh");

	@Test
	void theJavaSideAndTheScriptResolveTheSameDirectoryWhenHomeIsNotTheAccountsHome() throws Exception {
		Map<String, String> environment = Map.of("HOME", "/tmp/rwsplit-ci-home");
		Path java = MySqlInstallation.chrootDirectory(environment, "/root");
		assertThat(java).isEqualTo(Path.of("/tmp/rwsplit-ci-home/.cache/rwsplit/mysql-sid"));
		assertThat(printedByScript(environment)).isEqualTo(java.toString());
	}

	@Test
	void xdgCacheHomeWinsOnBothSides() throws Exception {
		Map<String, String> environment = Map.of("HOME", "/tmp/rwsplit-ci-home", "XDG_CACHE_HOME", "/tmp/rwsplit-xdg");
		Path java = MySqlInstallation.chrootDirectory(environment, "/root");
		assertThat(java).isEqualTo(Path.of("/tmp/rwsplit-xdg/rwsplit/mysql-sid"));
		assertThat(printedByScript(environment)).isEqualTo(java.toString());
	}

	private static String printedByScript(Map<String, String> environment) throws Exception {
		ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), "--print-chroot");
		builder.environment().remove("XDG_CACHE_HOME");
		builder.environment().remove("RWSPLIT_MYSQL_CHROOT");
		builder.environment().putAll(environment);
		Process process = builder.redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(out).isZero();
		return out;
	}

}
