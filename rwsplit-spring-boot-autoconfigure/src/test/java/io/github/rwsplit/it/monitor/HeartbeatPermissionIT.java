package io.github.rwsplit.it.monitor;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.junit.MySqlClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The heartbeat lag source with an account that may not create its table: start-up stops and says
 * which grant or statement fixes it.
 */
@MySqlClusterTest
class HeartbeatPermissionIT {

	@Test
	void accountWithoutCreateGetsAnErrorNamingTheFix(MySqlReplicationCluster cluster) {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> new MonitoredApp(cluster, "rwsplit.monitor.lag-source=heartbeat",
					"rwsplit.monitor.heartbeat-table=rwsplit_heartbeat_denied",
					"rwsplit.monitor.username=" + cluster.readOnlyUser().username(),
					"rwsplit.monitor.password=" + cluster.readOnlyUser().password()))
			.satisfies((ex) -> {
				RwsplitConfigurationException cause = findCause(ex);
				assertThat(cause.getProperty()).isEqualTo("rwsplit.monitor.lag-source");
				assertThat(cause.getMessage()).contains("rwsplit_heartbeat_denied").contains("CREATE command denied");
				assertThat(cause.getAction()).contains("CREATE TABLE IF NOT EXISTS rwsplit_heartbeat_denied")
					.contains("rwsplit.monitor.create-heartbeat-table=false")
					.contains("lag-source=gtid");
				assertThat(cause.getMessage() + cause.getAction()).doesNotContain(cluster.readOnlyUser().password());
			});
	}

	private static RwsplitConfigurationException findCause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof RwsplitConfigurationException configuration) {
				return configuration;
			}
		}
		throw new AssertionError("no RwsplitConfigurationException in " + ex, ex);
	}

}
