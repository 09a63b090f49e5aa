package io.github.rwsplit.autoconfigure.service;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.ComposeSources;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.autoconfigure.RwsplitConnectionDetails;
import io.github.rwsplit.autoconfigure.RwsplitDataSourceAutoConfiguration;
import io.github.rwsplit.autoconfigure.RwsplitProperties;
import io.github.rwsplit.routing.RwsplitDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * rwsplit's nodes from Docker Compose services labelled {@code rwsplit-primary} and
 * {@code rwsplit-replica}. No Docker: the running services are stubs.
 */
class RwsplitDockerComposeConnectionDetailsFactoryTests {

	private final ConnectionDetailsFactories factories = new ConnectionDetailsFactories(null);

	@Test
	void aPrimaryServiceBecomesThePrimaryWithItsOwnUserAndDatabase() {
		RunningService service = service("db-primary", 33061, "rwsplit-primary",
				Map.of("MYSQL_USER", "app", "MYSQL_PASSWORD", "secret", "MYSQL_DATABASE", "orders"));
		RwsplitConnectionDetails details = details(service);
		assertThat(details.primary().url()).isEqualTo("jdbc:mysql://127.0.0.1:33061/orders");
		assertThat(details.primary().username()).isEqualTo("app");
		assertThat(details.primary().password()).isEqualTo("secret");
		assertThat(details.replicas()).isEmpty();
		assertThat(details.toString()).doesNotContain("secret");
	}

	@Test
	void aReplicaServiceIsNamedAfterItsComposeServiceAndLogsInAsRootWithoutAUser() {
		RunningService service = service("reporting", 33062, "rwsplit-replica",
				Map.of("MYSQL_ROOT_PASSWORD", "root-secret", "MYSQL_DATABASE", "orders"));
		RwsplitConnectionDetails details = details(service);
		assertThat(details.primary()).isNull();
		assertThat(details.replicas()).containsOnlyKeys("reporting");
		RwsplitConnectionDetails.Node node = details.replicas().get("reporting");
		assertThat(node.url()).isEqualTo("jdbc:mysql://127.0.0.1:33062/orders");
		assertThat(node.username()).isEqualTo("root");
		assertThat(node.password()).isEqualTo("root-secret");
	}

	@Test
	void theJdbcParametersLabelIsAppendedToTheUrl() {
		Map<String, String> labels = labels("primary", "rwsplit-primary");
		labels.put("org.springframework.boot.jdbc.parameters", "useSSL=false&allowPublicKeyRetrieval=true");
		RwsplitConnectionDetails details = details(service(33061, labels,
				Map.of("MYSQL_ROOT_PASSWORD", "x", "MYSQL_DATABASE", "app")));
		assertThat(details.primary().url())
			.isEqualTo("jdbc:mysql://127.0.0.1:33061/app?useSSL=false&allowPublicKeyRetrieval=true");
	}

	@Test
	void anEmptyPasswordNeedsAllowEmptyPassword() {
		assertThat(details(service("primary", 1, "rwsplit-primary",
				Map.of("MYSQL_ALLOW_EMPTY_PASSWORD", "yes", "MYSQL_DATABASE", "app")))
			.primary()
			.password()).isEmpty();
		assertThatExceptionOfType(RwsplitConfigurationException.class)
			.isThrownBy(() -> details(service("primary", 1, "rwsplit-primary", Map.of("MYSQL_DATABASE", "app"))))
			.withMessageContaining("MYSQL_ROOT_PASSWORD of Compose service 'primary'");
	}

	@Test
	void aRandomRootPasswordOrAMissingDatabaseIsRefused() {
		assertThatExceptionOfType(RwsplitConfigurationException.class)
			.isThrownBy(() -> details(service("primary", 1, "rwsplit-primary",
					Map.of("MYSQL_RANDOM_ROOT_PASSWORD", "yes", "MYSQL_DATABASE", "app"))))
			.withMessageContaining("random");
		assertThatExceptionOfType(RwsplitConfigurationException.class)
			.isThrownBy(() -> details(service("primary", 1, "rwsplit-primary", Map.of("MYSQL_ROOT_PASSWORD", "x"))))
			.withMessageContaining("MYSQL_DATABASE");
	}

	@Test
	void aServiceLabelledForRwsplitFeedsNoJdbcDetailsToSpringBoot() {
		Map<Class<?>, ConnectionDetails> details = this.factories.getConnectionDetails(ComposeSources.of(service("primary",
				33061, "rwsplit-primary", Map.of("MYSQL_ROOT_PASSWORD", "x", "MYSQL_DATABASE", "app"))), true);
		assertThat(details).containsOnlyKeys(RwsplitConnectionDetails.class);
	}

	@Test
	void anUnlabelledMySqlServiceIsLeftToSpringBoot() {
		Map<Class<?>, ConnectionDetails> details = this.factories.getConnectionDetails(ComposeSources.of(service(33061,
				labels("mysql", null), Map.of("MYSQL_ROOT_PASSWORD", "x", "MYSQL_DATABASE", "app"))), true);
		assertThat(details).containsKey(JdbcConnectionDetails.class).doesNotContainKey(RwsplitConnectionDetails.class);
	}

	@Test
	void aPrimaryAndAReplicaServiceMakeOneRouter() {
		RwsplitConnectionDetails primary = details(service("primary", 33061, "rwsplit-primary",
				Map.of("MYSQL_USER", "app", "MYSQL_PASSWORD", "p", "MYSQL_DATABASE", "app")));
		RwsplitConnectionDetails replica = details(service("replica1", 33062, "rwsplit-replica",
				Map.of("MYSQL_USER", "app", "MYSQL_PASSWORD", "r", "MYSQL_DATABASE", "app")));
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.startup.primary-check-timeout=0",
					"rwsplit.monitor.enabled=false")
			// As Spring Boot's Compose support registers them: one bean per service.
			.withBean("rwsplitConnectionDetailsForAppPrimary1", RwsplitConnectionDetails.class, () -> primary)
			.withBean("rwsplitConnectionDetailsForAppReplica11", RwsplitConnectionDetails.class, () -> replica)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean(DataSource.class).isInstanceOf(RwsplitDataSource.class);
				assertThat(context.getBean(RwsplitDataSource.class).getRouter().getResolvedDataSources())
					.containsOnlyKeys("primary", "replica1");
				RwsplitProperties properties = context.getBean(RwsplitProperties.class);
				assertThat(properties.getPrimary().getUrl()).isEqualTo("jdbc:mysql://127.0.0.1:33061/app");
				assertThat(properties.getReplicas().get("replica1").getUrl()).isEqualTo("jdbc:mysql://127.0.0.1:33062/app");
				assertThat(properties.getReplicas().get("replica1").getPassword()).isEqualTo("r");
			});
	}

	private RwsplitConnectionDetails details(RunningService service) {
		return new RwsplitDockerComposeConnectionDetailsFactory().getConnectionDetails(ComposeSources.of(service));
	}

	private static RunningService service(String composeService, int port, String connection, Map<String, String> env) {
		return service(port, labels(composeService, connection), env);
	}

	private static Map<String, String> labels(String composeService, String connection) {
		Map<String, String> labels = new LinkedHashMap<>();
		labels.put("com.docker.compose.service", composeService);
		if (connection != null) {
			labels.put("org.springframework.boot.service-connection", connection);
		}
		return labels;
	}

	private static RunningService service(int port, Map<String, String> labels, Map<String, String> env) {
		ConnectionPorts ports = mock(ConnectionPorts.class);
		given(ports.get(3306)).willReturn(port);
		RunningService service = mock(RunningService.class);
		given(service.name()).willReturn("app-" + labels.get("com.docker.compose.service") + "-1");
		given(service.image()).willReturn(ImageReference.of("mysql:8.4"));
		given(service.host()).willReturn("127.0.0.1");
		given(service.ports()).willReturn(ports);
		given(service.env()).willReturn(new HashMap<>(env));
		given(service.labels()).willReturn(labels);
		return service;
	}

}
