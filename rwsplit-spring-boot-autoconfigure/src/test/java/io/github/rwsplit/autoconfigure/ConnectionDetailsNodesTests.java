package io.github.rwsplit.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.routing.RwsplitDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Nodes from {@link RwsplitConnectionDetails} beans replace the configured ones whole. No
 * database: pools start without connecting to unreachable addresses.
 */
class ConnectionDetailsNodesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.username=app", "rwsplit.password=secret",
				"rwsplit.startup.primary-check-timeout=0", "rwsplit.monitor.enabled=false");

	@Test
	void aDetailsBeanAloneTurnsRwsplitOnAndItsNodesAreTheRoutersNodes() {
		this.runner.withUserConfiguration(TestCluster.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(RwsplitDataSource.class);
			assertThat(context.getBean(RwsplitDataSource.class).getRouter().getResolvedDataSources())
				.containsOnlyKeys("primary", "test-1", "test-2");
		});
	}

	@Test
	void theApplicationsOwnNodesDoNotLeakIntoAContextThatBringsItsCluster() {
		this.runner.withUserConfiguration(TestCluster.class)
			.withPropertyValues("rwsplit.primary.url=jdbc:mysql://127.0.0.1:9/prod",
					"rwsplit.replicas.prod-1.url=jdbc:mysql://127.0.0.1:8/prod")
			.run((context) -> {
				assertThat(context.getBean(RwsplitDataSource.class).getRouter().getResolvedDataSources())
					.containsOnlyKeys("primary", "test-1", "test-2");
				RwsplitProperties properties = context.getBean(RwsplitProperties.class);
				assertThat(properties.getPrimary().getUrl()).isEqualTo("jdbc:mysql://127.0.0.1:1/app");
				assertThat(properties.getReplicas().get("test-2").getGroup()).isEqualTo("reporting");
			});
	}

	@Test
	void withoutADetailsBeanThePropertiesBackTheDefaultOne() {
		this.runner.withPropertyValues("rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app",
				"rwsplit.replicas.r1.url=jdbc:mysql://127.0.0.1:2/app")
			.run((context) -> {
				RwsplitConnectionDetails details = context.getBean(RwsplitConnectionDetails.class);
				assertThat(details.primary().url()).isEqualTo("jdbc:mysql://127.0.0.1:1/app");
				assertThat(details.replicas()).containsOnlyKeys("r1");
			});
	}

	@Test
	void sourcesCombineButExactlyOneSuppliesThePrimary() {
		RwsplitProperties properties = new RwsplitProperties();
		RwsplitConnectionDetails replicasOnly = details(null, Map.of("r1", RwsplitConnectionDetails.Node.of("jdbc:mysql://h:2/a")));
		assertThatExceptionOfType(RwsplitConfigurationException.class)
			.isThrownBy(() -> ConnectionDetailsNodes.apply(properties, Map.of("replicas", replicasOnly)))
			.withMessageContaining("no primary");
		RwsplitConnectionDetails primary = details(RwsplitConnectionDetails.Node.of("jdbc:mysql://h:1/a"), Map.of());
		assertThatExceptionOfType(RwsplitConfigurationException.class)
			.isThrownBy(() -> ConnectionDetailsNodes.apply(properties,
					new java.util.LinkedHashMap<>(Map.of("a", primary, "b", primary))))
			.withMessageContaining("two connection-details beans supply a primary");
		ConnectionDetailsNodes.apply(properties,
				new java.util.LinkedHashMap<>(Map.of("p", primary, "replicas", replicasOnly)));
		assertThat(properties.getPrimary().getUrl()).isEqualTo("jdbc:mysql://h:1/a");
		assertThat(properties.getReplicas()).containsOnlyKeys("r1");
	}

	@Test
	void aNodesPasswordStaysOutOfItsDescription() {
		assertThat(RwsplitConnectionDetails.Node.of("jdbc:mysql://h:1/a", "app", "hunter2").toString())
			.doesNotContain("hunter2").contains("app");
	}

	private static RwsplitConnectionDetails details(RwsplitConnectionDetails.Node primary,
			Map<String, RwsplitConnectionDetails.Node> replicas) {
		return new RwsplitConnectionDetails() {
			@Override
			public RwsplitConnectionDetails.Node primary() {
				return primary;
			}

			@Override
			public Map<String, RwsplitConnectionDetails.Node> replicas() {
				return replicas;
			}
		};
	}

	@Configuration(proxyBeanMethods = false)
	static class TestCluster {

		@Bean
		RwsplitConnectionDetails testCluster() {
			return details(RwsplitConnectionDetails.Node.of("jdbc:mysql://127.0.0.1:1/app"),
					new java.util.LinkedHashMap<>(Map.of("test-1", RwsplitConnectionDetails.Node.of("jdbc:mysql://127.0.0.1:2/app"),
							"test-2", new RwsplitConnectionDetails.Node("jdbc:mysql://127.0.0.1:3/app", null, null, "reporting"))));
		}

	}

}
