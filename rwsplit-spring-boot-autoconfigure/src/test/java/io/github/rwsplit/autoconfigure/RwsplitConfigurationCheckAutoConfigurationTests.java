package io.github.rwsplit.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.rwsplit.routing.RwsplitDataSource;

import static io.github.rwsplit.autoconfigure.StartupFailures.analysis;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unknown keys under {@code rwsplit.} stop start-up (or warn, when the application opts out),
 * naming the key and the nearest valid one. No database.
 */
@ExtendWith(OutputCaptureExtension.class)
class RwsplitConfigurationCheckAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitConfigurationCheckAutoConfiguration.class,
				RwsplitDataSourceAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.consistency.mode=pin",
				"rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app", "rwsplit.startup.primary-check-timeout=0");

	@Test
	void misspelledTopLevelKeyFailsStartUpNamingTheNearestValidOne() {
		this.runner.withPropertyValues("rwsplit.load-balancng=random").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("rwsplit.load-balancng")
				.contains("did you mean rwsplit.load-balancing?");
			assertThat(analysis.getAction()).contains("rwsplit.fail-on-unknown-properties=false");
		});
	}

	@Test
	void keyInTheWrongPlaceIsMatchedByItsLastPart() {
		this.runner.withPropertyValues("rwsplit.max-lagg=2s").run((context) -> assertThat(analysis(context).getDescription())
			.contains("rwsplit.max-lagg")
			.contains("did you mean rwsplit.monitor.max-lag?"));
	}

	@Test
	void misspelledReplicasMapKeepsTheReplicaName() {
		this.runner.withPropertyValues("rwsplit.replica.replica-1.url=jdbc:mysql://127.0.0.1:2/app")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("rwsplit.replica.replica-1.url")
				.contains("did you mean rwsplit.replicas.replica-1.url?"));
	}

	@Test
	void everyUnknownKeyIsListedAndNoValueIsShown() {
		this.runner.withPropertyValues("rwsplit.pasword=top-secret", "rwsplit.monitor.intervall=2s").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("rwsplit.pasword")
				.contains("did you mean rwsplit.password?")
				.contains("rwsplit.monitor.intervall")
				.contains("did you mean rwsplit.monitor.interval?")
				.doesNotContain("top-secret");
		});
	}

	@Test
	void misspelledPrimaryIsCaughtAlthoughRwsplitIsNotConfigured() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwsplitConfigurationCheckAutoConfiguration.class,
					RwsplitDataSourceAutoConfiguration.class))
			.withPropertyValues("rwsplit.primery.url=jdbc:mysql://127.0.0.1:1/app")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("did you mean rwsplit.primary.url?"));
	}

	@Test
	void optingOutTurnsTheFailureIntoOneWarning(CapturedOutput output) {
		this.runner.withPropertyValues("rwsplit.load-balancng=random", "rwsplit.fail-on-unknown-properties=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(RwsplitDataSource.class);
				assertThat(output).contains("rwsplit.load-balancng").contains("did you mean rwsplit.load-balancing?");
			});
	}

	@Test
	void validKeysAndTheTestClustersOwnSettingsPass() {
		this.runner
			.withPropertyValues("rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app",
					"rwsplit.replicas.replica-1.pool.data-source-properties.cachePrepStmts=true",
					"rwsplit.consistency.token.signing-keys[0]=0123456789abcdef0123456789abcdef",
					"rwsplit.monitor.max-lag=2s", "rwsplit.cluster.provider=local", "rwsplit.mysqld=/usr/sbin/mysqld")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(RwsplitDataSource.class));
	}

}
