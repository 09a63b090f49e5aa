package io.github.rwsplit.testcluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FreeLoopbackPortsTest {

	@Test
	void portsAreDistinctUnprivilegedAndBelowTheEphemeralRange() throws IOException {
		Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
		int ephemeralStart = Files.isReadable(range)
				? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32768;
		for (int round = 0; round < 20; round++) {
			int[] ports = AbstractMySqlReplicationCluster.freeLoopbackPorts("127.0.0.1", 3);
			assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(3);
			assertThat(Arrays.stream(ports).boxed().toList())
				.allSatisfy((port) -> assertThat(port).isGreaterThanOrEqualTo(1024).isLessThan(ephemeralStart));
		}
	}

}
