package io.github.rwsplit.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.monitor.MonitorSettings;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReplicaFallback;
import io.github.rwsplit.routing.RwsplitDataSource;

import static io.github.rwsplit.autoconfigure.StartupFailures.analysis;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring and validation of the lag monitor. The monitor is a lifecycle bean; these contexts are
 * never started, so nothing connects.
 */
class RwsplitMonitorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class, RwsplitMonitorAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app", "rwsplit.startup.primary-check-timeout=0",
				"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app", "rwsplit.password=top-secret");

	@Test
	void monitorIsOnByDefaultWithTheDocumentedSettings() {
		this.runner.run((context) -> {
			MonitorSettings settings = context.getBean(ReplicaLagMonitor.class).getSettings();
			assertThat(settings.interval()).hasSeconds(1);
			assertThat(settings.checkTimeout()).hasMillis(800);
			assertThat(settings.primaryInterval()).hasMillis(250);
			assertThat(settings.lagSource()).isEqualTo(LagSource.AUTO);
			assertThat(settings.thresholds().maxLag()).hasSeconds(1);
			assertThat(settings.thresholds().recoveryLag()).hasMillis(500);
			assertThat(settings.thresholds().recoveryChecks()).isEqualTo(3);
			assertThat(settings.heartbeatTable()).isEqualTo("rwsplit_heartbeat");
		});
	}

	@Test
	void fallbackDefaultsToAGuardedPrimary() {
		this.runner.withPropertyValues("rwsplit.pool.maximum-pool-size=20").run((context) -> {
			ReplicaFallback fallback = context.getBean(RwsplitDataSource.class).getRouter().view().fallback();
			assertThat(fallback.policy()).isEqualTo(ReplicaFallback.Policy.PRIMARY);
			assertThat(fallback.maxPrimaryReads()).isEqualTo(10);
		});
	}

	@Test
	void backsOffWhenDisabledOrDefinedByTheUser() {
		this.runner.withPropertyValues("rwsplit.monitor.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReplicaLagMonitor.class));
		this.runner.withUserConfiguration(UserMonitor.class)
			.run((context) -> assertThat(context).hasSingleBean(ReplicaLagMonitor.class).hasBean("userMonitor"));
	}

	@Test
	void checkTimeoutMustBeShorterThanTheInterval() {
		this.runner.withPropertyValues("rwsplit.monitor.interval=500ms", "rwsplit.monitor.check-timeout=500ms")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.monitor.check-timeout: check timeout PT0.5S is not shorter than the interval PT0.5S"));
	}

	@Test
	void recoveryLagAboveMaxLagIsRejected() {
		this.runner.withPropertyValues("rwsplit.monitor.max-lag=1s", "rwsplit.monitor.recovery-lag=2s")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("rwsplit.monitor.recovery-lag"));
	}

	@Test
	void heartbeatTableMustBeAPlainName() {
		this.runner.withPropertyValues("rwsplit.monitor.heartbeat-table=hb; DROP TABLE x")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.monitor.heartbeat-table: 'hb; DROP TABLE x' is not a table name"));
	}

	@Test
	void fallbackSettingsAreValidated() {
		this.runner.withPropertyValues("rwsplit.fallback.max-primary-reads=0")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.fallback.max-primary-reads: max-primary-reads 0 is less than 1"));
	}

	@Test
	void replicaIsolationDifferentFromThePrimarysIsRejected() {
		this.runner.withPropertyValues("rwsplit.replicas.replica-1.pool.transaction-isolation=TRANSACTION_READ_COMMITTED")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.replicas.replica-1.pool.transaction-isolation"));
	}

	@Test
	void monitorEndpointsHideThePassword() {
		this.runner.run((context) -> assertThat(new ReplicaLagMonitor.Endpoint("primary",
				"jdbc:mysql://u:top-secret@h/app?password=top-secret", "app", "top-secret")
			.toString()).doesNotContain("top-secret"));
	}


	@Configuration(proxyBeanMethods = false)
	static class UserMonitor {

		@Bean
		ReplicaLagMonitor userMonitor(RwsplitDataSource dataSource) {
			return new ReplicaLagMonitor(dataSource.getRouter(),
					new ReplicaLagMonitor.Endpoint("primary", "jdbc:mysql://127.0.0.1:1/app", null, null),
					java.util.List.of(), new MonitorSettings(java.time.Duration.ofSeconds(1),
							java.time.Duration.ofMillis(500), java.time.Duration.ofMillis(250),
							new io.github.rwsplit.monitor.HealthThresholds(java.time.Duration.ofSeconds(1),
									java.time.Duration.ofMillis(500), 3),
							LagSource.GTID, "hb", false));
		}

	}

}
