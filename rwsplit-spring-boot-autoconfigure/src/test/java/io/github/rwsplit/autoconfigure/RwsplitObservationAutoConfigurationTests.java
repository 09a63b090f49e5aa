package io.github.rwsplit.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.rwsplit.observation.ObservationWaitObserver;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.routing.WaitObserver;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wait observer: there with Micrometer's Observation API, given to the router, observing into
 * the application's registry (none without one), replaced by the application's own, absent without
 * the API. The nodes' addresses have nothing listening.
 */
class RwsplitObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
				RwsplitObservationAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.monitor.enabled=false",
				"rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app", "rwsplit.startup.primary-check-timeout=0",
				"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app");

	@Test
	void theRouterObservesItsWaitsIntoTheApplicationsRegistry() {
		this.runner.withUserConfiguration(RegistryConfiguration.class).run((context) -> {
			WaitObserver observer = context.getBean(WaitObserver.class);
			assertThat(observer).isInstanceOf(ObservationWaitObserver.class);
			assertThat(context.getBean(RwsplitDataSource.class).getRouter().getWaitObserver()).isSameAs(observer);
			observer.start(WaitObserver.Reason.NO_PRIMARY, WaitObserver.NO_NODE).stop(WaitObserver.Outcome.TIMEOUT);
			assertThat(context.getBean(TestObservationRegistry.class)).hasObservationWithNameEqualTo("rwsplit.wait")
				.that()
				.hasLowCardinalityKeyValue("reason", "no-primary")
				.hasLowCardinalityKeyValue("role", "primary");
		});
	}

	@Test
	void withoutARegistryWaitsAreNotObserved() {
		this.runner.run((context) -> {
			WaitObserver observer = context.getBean(RwsplitDataSource.class).getRouter().getWaitObserver();
			assertThat(observer.start(WaitObserver.Reason.READ_YOUR_WRITES, "replica-1"))
				.isSameAs(WaitObserver.Wait.NONE);
		});
	}

	@Test
	void theApplicationsObserverReplacesTheDefault() {
		this.runner.withUserConfiguration(RegistryConfiguration.class, OwnObserverConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(WaitObserver.class);
				assertThat(context.getBean(RwsplitDataSource.class).getRouter().getWaitObserver())
					.isSameAs(OwnObserverConfiguration.OWN);
			});
	}

	@Test
	void withoutTheObservationApiNothingIsConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(WaitObserver.class);
			assertThat(context.getBean(RwsplitDataSource.class).getRouter().getWaitObserver())
				.isSameAs(WaitObserver.NONE);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnObserverConfiguration {

		static final WaitObserver OWN = (reason, node) -> WaitObserver.Wait.NONE;

		@Bean
		WaitObserver ownWaitObserver() {
			return OWN;
		}

	}

}
