package io.github.rwsplit.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;

import static io.github.rwsplit.autoconfigure.StartupFailures.analysis;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas whose own settings the driver rejects before it sends a byte: an unparsable URL and an
 * invalid driver property value. Nothing listens on the loopback ports used, and the primary is
 * allowed down, so the monitor's first round runs with no server. Refused credentials need a
 * server: {@code MisconfiguredReplicaIT}.
 */
class MisconfiguredReplicaTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
				RwsplitMonitorAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app",
				"rwsplit.startup.allow-primary-down=true", "rwsplit.username=app", "rwsplit.password=top-secret",
				"rwsplit.replicas.replica-2.url=jdbc:mysql://127.0.0.1:2/app");

	@Test
	void aReplicaWhoseUrlCannotBeParsedIsMisconfiguredWithTheDriversMessage() {
		this.runner.withPropertyValues("rwsplit.replicas.replica-1.url=jdbc:mysql://app:pw-in-url@127.0.0.1:notaport/app")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReplicaHealth health = context.getBean(ReplicaLagMonitor.class).snapshot().replica("replica-1");
				assertThat(health.state()).isEqualTo(ReplicaState.MISCONFIGURED);
				assertThat(health.reason()).contains("Failed to parse the host:port pair '127.0.0.1:notaport'")
					.doesNotContain("pw-in-url")
					.doesNotContain("top-secret");
				// The other replica is merely unreachable: that is DOWN, not a configuration mistake.
				assertThat(context.getBean(ReplicaLagMonitor.class).snapshot().replica("replica-2").state())
					.isEqualTo(ReplicaState.DOWN);
			});
	}

	@Test
	void aDriverPropertyWithAValueTheDriverRejectsIsMisconfigured() {
		this.runner
			.withPropertyValues("rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:3/app",
					"rwsplit.replicas.replica-1.pool.data-source-properties.sslMode=BOGUS")
			.run((context) -> {
				ReplicaHealth health = context.getBean(ReplicaLagMonitor.class).snapshot().replica("replica-1");
				assertThat(health.state()).isEqualTo(ReplicaState.MISCONFIGURED);
				assertThat(health.reason()).contains("The connection property 'sslMode'").contains("'BOGUS'");
				assertThat(context.getBean(ReplicaLagMonitor.class).ejections(ReplicaState.MISCONFIGURED).sum())
					.isEqualTo(1);
			});
	}

	@Test
	void failOnMisconfiguredReplicaStopsStartUpNamingTheUrlSetting() {
		this.runner
			.withPropertyValues("rwsplit.startup.fail-on-misconfigured-replica=true",
					"rwsplit.replicas.replica-1.url=jdbc:mysql://app:pw-in-url@127.0.0.1:notaport/app")
			.run((context) -> {
				var analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("rwsplit.replicas.replica-1.url: replica 'replica-1' ")
					.contains("Failed to parse the host:port pair")
					.doesNotContain("pw-in-url")
					.doesNotContain("top-secret");
				assertThat(analysis.getAction()).contains("rwsplit.replicas.replica-1.url")
					.contains("rwsplit.startup.fail-on-misconfigured-replica=false");
			});
	}

	@Test
	void failOnMisconfiguredReplicaNamesTheDriverPropertyWhereItWasSet() {
		this.runner
			.withPropertyValues("rwsplit.startup.fail-on-misconfigured-replica=true",
					"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:3/app",
					"rwsplit.pool.data-source-properties.sslMode=BOGUS")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.pool.data-source-properties.sslMode: replica '")
				.contains("The connection property 'sslMode'"));
	}

	@Test
	void aReplicaThatIsMerelyUnreachableDoesNotStopStartUp() {
		this.runner
			.withPropertyValues("rwsplit.startup.fail-on-misconfigured-replica=true",
					"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:3/app")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void theStartUpReportShowsAReplicaOutOfRotationWithItsReason() {
		this.runner.withPropertyValues("rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:notaport/app")
			.run((context) -> assertThat(context.getBean(RwsplitStartupReport.class).report())
				.contains("  replica-1 MISCONFIGURED, out of rotation: ")
				.contains("Failed to parse the host:port pair"));
	}

}
