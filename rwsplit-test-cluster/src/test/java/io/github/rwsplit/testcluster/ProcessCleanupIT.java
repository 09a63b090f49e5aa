package io.github.rwsplit.testcluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No {@code mysqld} outlives the JVM that started it, however that JVM ends.
 */
class ProcessCleanupIT {

	@Test
	void closingTheClusterStopsEveryServerAndDeletesItsData() {
		MySqlReplicationCluster cluster = MySqlReplicationClusters
			.start(ClusterSpec.builder().replicas(1).provider(ClusterProvider.LOCAL).build());
		String token = ((LocalMySqlReplicationCluster) cluster).directoryForTests().getFileName().toString();
		Path directory = ((LocalMySqlReplicationCluster) cluster).directoryForTests();
		assertThat(processesNaming(token)).hasSize(2);

		cluster.close();

		assertThat(processesNaming(token)).isEmpty();
		assertThat(directory).doesNotExist();
	}

	@Test
	void killingTheJvmThatStartedAClusterKillsItsServers() throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				StartClusterAndWait.class.getName())
			.redirectErrorStream(true)
			.start();
		try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
			String directory = null;
			String line;
			while ((line = out.readLine()) != null) {
				if (line.startsWith(StartClusterAndWait.READY)) {
					directory = line.substring(StartClusterAndWait.READY.length());
					break;
				}
			}
			assertThat(directory).as("the child JVM started a cluster").isNotNull();
			String token = Path.of(directory).getFileName().toString();
			assertThat(processesNaming(token)).hasSize(2);

			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

			await("servers of the killed JVM are gone").atMost(Duration.ofSeconds(30))
				.until(() -> processesNaming(token).isEmpty());
			Path path = Path.of(directory);
			await("its data is deleted").atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(path));
		}
		finally {
			child.destroyForcibly();
		}
	}

	/** Pids of live processes whose command line contains the text. */
	static List<Long> processesNaming(String text) {
		try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
			return all.filter(ProcessHandle::isAlive)
				.filter((process) -> commandLine(process.pid()).contains(text))
				.map(ProcessHandle::pid)
				.toList();
		}
	}

	private static String commandLine(long pid) {
		try {
			return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
				.replace('\0', ' ');
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** Run in a child JVM: starts a one-replica cluster, says where, and waits to be killed. */
	static final class StartClusterAndWait {

		static final String READY = "cluster-directory=";

		public static void main(String[] args) throws InterruptedException {
			LocalMySqlReplicationCluster cluster = (LocalMySqlReplicationCluster) MySqlReplicationClusters
				.start(ClusterSpec.builder().replicas(1).provider(ClusterProvider.LOCAL).build());
			System.out.println(READY + cluster.directoryForTests());
			System.out.flush();
			new java.util.concurrent.CountDownLatch(1).await();
		}

	}

}
