package io.github.rwsplit.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up report shows the settings that act in the chosen read-your-writes mode, and only
 * those. Nothing listens on the nodes' addresses; the report needs no server.
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

}
