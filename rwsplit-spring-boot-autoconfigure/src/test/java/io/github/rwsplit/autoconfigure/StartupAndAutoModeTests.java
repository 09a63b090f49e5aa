package io.github.rwsplit.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.routing.ConsistencySettings;
import io.github.rwsplit.routing.RwsplitDataSource;

import static io.github.rwsplit.autoconfigure.StartupFailures.analysis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Start-up with a primary that refuses (nothing listens on port 1 of the loopback, so the refusal
 * is immediate) and how {@code consistency.mode=auto} behaves until the primary answers.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupAndAutoModeTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
				RwsplitMonitorAutoConfiguration.class, RwsplitHibernateStartupAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app",
				"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app", "rwsplit.username=app",
				"rwsplit.password=top-secret");

	@Test
	void aPrimaryThatRefusesAtStartUpStopsStartUpNamingTheServerAndItsAnswerPromptly() {
		long started = System.nanoTime();
		this.runner.run((context) -> {
			var analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("rwsplit.primary.url")
				.contains("primary (jdbc:mysql://127.0.0.1:1/app) refused at start-up")
				.contains("Communications link failure")
				.doesNotContain("top-secret");
			assertThat(analysis.getAction()).contains("rwsplit.startup.allow-primary-down=true")
				.contains("spring.jpa.database-platform");
		});
		// Far below HikariCP's 30 s checkout timeout that users met before; a refusal takes milliseconds.
		assertThat(System.nanoTime() - started).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(15));
	}

	@Test
	void withThePrimaryDownAllowedTheApplicationStartsAndWorkThatNeedsThePrimaryKnowsItIsDown() {
		this.runner.withPropertyValues("rwsplit.startup.allow-primary-down=true").run((context) -> {
			assertThat(context).hasNotFailed();
			var topology = context.getBean(RwsplitDataSource.class).getRouter().getTopology();
			assertThat(topology.primaryDownReason()).contains("Communications link failure");
		});
	}

	@Test
	void autoModeLogsTheCauseOfEveryFailedAttemptAndShowsWhyItUsesPin(CapturedOutput output) {
		this.runner.withPropertyValues("rwsplit.startup.allow-primary-down=true").run((context) -> {
			assertThat(context).hasNotFailed();
			ConsistencySettings consistency = context.getBean(RwsplitDataSource.class).getRouter().view().consistency();
			assertThat(consistency.mode()).isEqualTo(ConsistencyMode.PIN);
			assertThat(consistency.modeReason()).contains("attempt 1 failed").contains("Communications link failure");
			assertThat(output).contains("consistency.mode=auto cannot read the primary's gtid_mode yet (attempt 1)")
				.contains("Communications link failure")
				.doesNotContain("pin mode until restart");
		});
	}

	@Test
	void autoModeBecomesGtidWhenTheMonitorReadsGtidModeOn() {
		this.runner.withPropertyValues("rwsplit.startup.primary-check-timeout=0").run((context) -> {
			var router = context.getBean(RwsplitDataSource.class).getRouter();
			var listener = ConsistencyModeResolver.autoMode(router, context.getBean(RwsplitProperties.class));
			listener.gtidModeUnread("Communications link failure");
			assertThat(router.view().consistency().mode()).isEqualTo(ConsistencyMode.PIN);
			listener.gtidModeRead("ON");
			assertThat(router.view().consistency().mode()).isEqualTo(ConsistencyMode.GTID);
			assertThat(router.view().consistency().modeReason()).isEqualTo("auto: the primary reports gtid_mode=ON");
		});
	}

	@Test
	void hibernateStartsWithoutThePrimaryOnlyWithItsDialectConfigured() {
		this.runner.withPropertyValues("rwsplit.startup.allow-primary-down=true").run((context) -> {
			HibernatePropertiesCustomizer customizer = context.getBean("rwsplitPrimaryDownAtStartupCustomizer",
					HibernatePropertiesCustomizer.class);
			assertThatExceptionOfType(RwsplitConfigurationException.class)
				.isThrownBy(() -> customizer.customize(new HashMap<>()))
				.withMessageContaining("Hibernate needs it to determine its dialect")
				.satisfies((ex) -> assertThat(ex.getAction()).contains("spring.jpa.database-platform"));
			Map<String, Object> withDialect = new HashMap<>(Map.of("hibernate.dialect", "org.hibernate.dialect.MySQLDialect"));
			customizer.customize(withDialect);
			assertThat(withDialect).containsEntry("hibernate.boot.allow_jdbc_metadata_access", "false");
		});
	}

}
