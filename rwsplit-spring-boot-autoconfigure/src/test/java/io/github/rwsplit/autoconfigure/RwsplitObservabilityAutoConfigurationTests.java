package io.github.rwsplit.autoconfigure;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.rwsplit.actuate.RwsplitDatabaseHealthIndicator;
import io.github.rwsplit.actuate.RwsplitEndpoint;
import io.github.rwsplit.actuate.RwsplitHealthIndicator;
import io.github.rwsplit.metrics.RwsplitMetrics;
import io.github.rwsplit.routing.RwsplitDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics, endpoint and health appear with Micrometer and Actuator, disappear without them, and
 * give way to the application's own beans. The nodes' addresses have nothing listening.
 */
class RwsplitObservabilityAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
				RwsplitMonitorAutoConfiguration.class, RwsplitMetricsAutoConfiguration.class,
				RwsplitEndpointAutoConfiguration.class, RwsplitHealthAutoConfiguration.class,
				DataSourceHealthContributorAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.consistency.mode=eventual",
				"rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app", "rwsplit.startup.primary-check-timeout=0",
				"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app",
				"management.endpoints.web.exposure.include=rwsplit");

	@Test
	void metricsEndpointAndHealthArePresentWithMicrometerAndActuator() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RwsplitMetrics.class)
				.hasSingleBean(RwsplitEndpoint.class)
				.hasBean("rwsplitHealthIndicator");
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RwsplitMetrics.class).bindTo(registry);
			assertThat(registry.get(RwsplitMetrics.ROUTE)
				.tags("node", "replica-1", "role", "replica", "reason", "read-only-transaction")
				.functionCounter()
				.count()).isZero();
			assertThat(registry.get(RwsplitMetrics.READ_RETRIES)
				.tags("replica", "replica-1", "outcome", "succeeded")
				.functionCounter()
				.count()).isZero();
			assertThat(registry.get(RwsplitMetrics.REPLICA_LAG).tag("replica", "replica-1").gauge().value())
				.as("unknown lag is NaN, never 0")
				.isNaN();
			// The monitor started with the context and found nothing listening on the replica's port.
			assertThat(registry.get(RwsplitMetrics.REPLICA_STATE).tag("replica", "replica-1").gauge().value())
				.isEqualTo(2.0);
			assertThat(registry.get(RwsplitMetrics.FALLBACK).tag("reason", "no-replica").functionCounter().count()).isZero();
			assertThat(registry.get(RwsplitMetrics.DIAGNOSTICS).tag("kind", "early-checkout").functionCounter()).isNotNull();
			assertThat(registry.get(RwsplitMetrics.REPLICA_EJECTIONS).tag("reason", "lagging").functionCounter()).isNotNull();
			assertThat(registry.get(RwsplitMetrics.CONSISTENCY_WAIT).tag("outcome", "caught-up").timer()).isNotNull();
			assertThat(registry.find(RwsplitMetrics.ROUTE).meters()).allSatisfy((meter) -> assertThat(
					meter.getId().getDescription()).isNotBlank());
		});
	}

	@Test
	void endpointShowsEachNodesEffectiveUserAndNeverAPassword() {
		this.runner
			.withPropertyValues("rwsplit.username=app", "rwsplit.password=top-secret",
					"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app?user=reader&password=ro-secret")
			.run((context) -> {
				var nodes = context.getBean(RwsplitEndpoint.class).rwsplit().nodes();
				assertThat(nodes).extracting("name", "user")
					.containsExactly(org.assertj.core.groups.Tuple.tuple("primary", "app"),
							org.assertj.core.groups.Tuple.tuple("replica-1", "reader"));
				assertThat(nodes.toString()).doesNotContain("secret");
			});
	}

	@Test
	void nothingWithoutMicrometerOrActuator() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterBinder.class, Endpoint.class, HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(RwsplitDataSource.class)
				.doesNotHaveBean(RwsplitMetrics.class)
				.doesNotHaveBean(RwsplitEndpoint.class)
				.doesNotHaveBean(RwsplitHealthIndicator.class));
	}

	@Test
	void endpointIsNotCreatedUnlessExposed() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
					RwsplitEndpointAutoConfiguration.class))
			.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app", "rwsplit.startup.primary-check-timeout=0")
			.run((context) -> assertThat(context).doesNotHaveBean(RwsplitEndpoint.class));
	}

	@Test
	void healthNeedsTheMonitor() {
		this.runner.withPropertyValues("rwsplit.monitor.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("rwsplitHealthIndicator"));
	}

	@Test
	void dbHealthFollowsThePrimaryFromTheMonitorInsteadOfCheckingEveryPool() {
		this.runner.run((context) -> {
			assertThat(context).getBean("dbHealthContributor").isInstanceOf(RwsplitDatabaseHealthIndicator.class);
			// Nothing listens on the primary's port: the monitor knows, and the check asks it, not the pool.
			long start = System.nanoTime();
			Health health = context.getBean("dbHealthContributor", RwsplitDatabaseHealthIndicator.class).health();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void withoutTheMonitorDbHealthChecksThePrimaryPoolOnly() {
		this.runner.withPropertyValues("rwsplit.monitor.enabled=false").run((context) -> {
			assertThat(context).getBean("dbHealthContributor").isInstanceOf(DataSourceHealthIndicator.class);
			assertThat(context).doesNotHaveBean(RwsplitDatabaseHealthIndicator.class);
		});
	}

	@Test
	void dbHealthCanBeSwitchedOffOrReplaced() {
		this.runner.withPropertyValues("management.health.db.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("dbHealthContributor")
				.hasBean("rwsplitHealthIndicator"));
		this.runner.withBean("dbHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
			.run((context) -> assertThat(context).doesNotHaveBean("dbHealthContributor")
				.doesNotHaveBean(RwsplitDatabaseHealthIndicator.class));
	}

	@Test
	void userBeansWin() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).getBean(RwsplitMetrics.class).isSameAs(context.getBean("userMetrics"));
			assertThat(context).getBean(RwsplitEndpoint.class).isSameAs(context.getBean("userEndpoint"));
		});
	}

	@Test
	void poolTagBecomesTheNodeName() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		registry.config().meterFilter(RwsplitMetrics.poolTagIsNodeName());
		registry.counter("hikaricp.connections.timeout", "pool", "rwsplit-replica-1").increment();
		registry.counter("hikaricp.connections.timeout", "pool", "HikariPool-1").increment();
		assertThat(registry.find("hikaricp.connections.timeout").tag("pool", "replica-1").counter()).isNotNull();
		assertThat(registry.find("hikaricp.connections.timeout").tag("pool", "HikariPool-1").counter()).isNotNull();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		RwsplitMetrics userMetrics(RwsplitDataSource dataSource) {
			return new RwsplitMetrics(dataSource.getRouter(), null, java.util.List.of());
		}

		@Bean
		RwsplitEndpoint userEndpoint(RwsplitDataSource dataSource) {
			return new RwsplitEndpoint(dataSource.getRouter(), null);
		}

	}

}
