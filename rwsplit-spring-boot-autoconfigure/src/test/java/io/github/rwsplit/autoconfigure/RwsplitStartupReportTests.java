package io.github.rwsplit.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.rwsplit.monitor.HealthThresholds;
import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.monitor.MonitorSettings;
import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;
import io.github.rwsplit.routing.RwsplitDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up report shows the settings that act in the chosen read-your-writes mode, and only
 * those; whether rwsplit follows the primary; and the primary the monitor's first checks found
 * when it is not the configured one. Nothing listens on the nodes' addresses; the report needs no
 * server, and the monitor is a stand-in showing a given snapshot.
 */
class RwsplitStartupReportTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app",
				"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app", "rwsplit.startup.primary-check-timeout=0");

	private String reportFor(String mode) {
		String[] report = new String[1];
		this.runner.withPropertyValues("rwsplit.consistency.mode=" + mode)
			.run((context) -> report[0] = context.getBean(RwsplitStartupReport.class).report());
		return report[0].lines().filter((line) -> line.contains("read-your-writes")).findFirst().orElseThrow();
	}

	@Test
	void eventualModeShowsNoWaitOrPinSettings() {
		assertThat(reportFor("eventual")).isEqualTo("  read-your-writes: eventual (reads may miss the session's writes)");
	}

	@Test
	void pinModeShowsThePinDurationOnly() {
		assertThat(reportFor("pin")).isEqualTo("  read-your-writes: pin (pin 5000 ms)");
	}

	@Test
	void gtidModesShowTheWaitOnly() {
		assertThat(reportFor("gtid")).isEqualTo("  read-your-writes: gtid (wait up to 1000 ms)");
		assertThat(reportFor("global")).isEqualTo("  read-your-writes: global (wait up to 1000 ms)");
	}

	@Test
	void showsThatRwsplitFollowsThePrimaryByDefault() {
		this.runner.run((context) -> assertThat(context.getBean(RwsplitStartupReport.class).report())
			.contains("\n  follow primary: on; while no writable primary is known, writes wait up to 3000 ms\n")
			.doesNotContain("primary now"));
	}

	@Test
	void showsTheFollowPrimarySettingsAsConfigured() {
		this.runner
			.withPropertyValues("rwsplit.topology.follow-primary=false",
					"rwsplit.topology.await-primary-timeout=500ms")
			.run((context) -> assertThat(context.getBean(RwsplitStartupReport.class).report())
				.contains("\n  follow primary: off; while no writable primary is known, writes wait up to 500 ms\n"));
	}

	@Test
	void saysSoWhenThePrimaryFoundAtStartupIsNotTheConfiguredOne() {
		MonitorSnapshot afterSwitchover = new MonitorSnapshot(LagSource.GTID, "replica-1", null,
				List.of(new ReplicaHealth("primary", ReplicaState.HEALTHY, "", 0, Instant.now(), 0, null)),
				PrimaryStatus.UP, 1, new MonitorSnapshot.PrimaryChange("primary", "replica-1",
						"'primary' is read-only (super_read_only=ON); 'replica-1' is writable", Instant.now()));
		this.runner.run((context) -> assertThat(reportWith(context, afterSwitchover)).contains(
				"\n  primary now: 'replica-1' UP (configured 'primary' is read-only, serving reads); the monitor saw: "
						+ "'primary' is read-only (super_read_only=ON); 'replica-1' is writable\n"));
	}

	@Test
	void saysWhyThePrimaryFoundAtStartupIsNotWritable() {
		MonitorSnapshot changing = new MonitorSnapshot(LagSource.GTID, "primary",
				"no node is writable: 'primary' is read-only", List.of(ReplicaHealth.unchecked("replica-1")),
				PrimaryStatus.CHANGING, 0, null);
		this.runner.run((context) -> assertThat(reportWith(context, changing))
			.contains("\n  primary now: 'primary' CHANGING: no node is writable: 'primary' is read-only\n"));
	}

	@Test
	void saysNothingMoreWhileTheConfiguredPrimaryIsThePrimary() {
		MonitorSnapshot usual = new MonitorSnapshot(LagSource.GTID, "primary", null,
				List.of(ReplicaHealth.unchecked("replica-1")));
		this.runner.run((context) -> assertThat(reportWith(context, usual)).doesNotContain("primary now"));
	}

	/** The report as the context's, with a monitor whose first round ended in the given snapshot. */
	private static String reportWith(AssertableApplicationContext context, MonitorSnapshot snapshot) {
		ReadWriteRoutingDataSource router = context.getBean(RwsplitDataSource.class).getRouter();
		ReplicaLagMonitor monitor = new ReplicaLagMonitor(router,
				new ReplicaLagMonitor.Endpoint("primary", "jdbc:mysql://127.0.0.1:1/app", null, null),
				List.of(new ReplicaLagMonitor.Endpoint("replica-1", "jdbc:mysql://127.0.0.1:2/app", null, null)),
				new MonitorSettings(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(250),
						new HealthThresholds(Duration.ofSeconds(1), Duration.ofMillis(500), 3), LagSource.GTID, "hb",
						false)) {

			@Override
			public MonitorSnapshot snapshot() {
				return snapshot;
			}

		};
		RwsplitStartupReport report = new RwsplitStartupReport(router, context.getBean(RwsplitProperties.class),
				new StaticListableBeanFactory(Map.of("monitor", monitor)).getBeanProvider(ReplicaLagMonitor.class));
		return report.report();
	}

}
