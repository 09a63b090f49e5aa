package io.github.rwsplit.autoconfigure.service;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.mysql.MySQLContainer;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ContainerSources;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.autoconfigure.RwsplitConnectionDetails;
import io.github.rwsplit.autoconfigure.RwsplitDataSourceAutoConfiguration;
import io.github.rwsplit.autoconfigure.RwsplitProperties;
import io.github.rwsplit.routing.RwsplitDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * rwsplit's nodes from {@code @ServiceConnection} MySQL containers, through Spring Boot's own
 * sources, factory loading and registration rules. No Docker: the containers are never started
 * and answer with fixed addresses, and the pools start without connecting.
 */
class RwsplitContainerConnectionDetailsFactoryTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.startup.primary-check-timeout=0",
				"rwsplit.monitor.enabled=false");

	@Test
	void aTestClassWithThreeContainerFieldsGetsOneRouterOverAllThree() {
		this.runner.withInitializer((context) -> ContainerSources.register(context, fieldSources(ThreeContainers.class)))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBeans(RwsplitConnectionDetails.class).hasSize(1);
				assertThat(context).getBean(DataSource.class).isInstanceOf(RwsplitDataSource.class);
				assertThat(context.getBean(RwsplitDataSource.class).getRouter().getResolvedDataSources())
					.containsOnlyKeys("primary", "replica1", "replica2");
				RwsplitProperties properties = context.getBean(RwsplitProperties.class);
				assertThat(properties.getPrimary().getUrl()).isEqualTo("jdbc:mysql://127.0.0.1:33061/app");
				assertThat(properties.getPrimary().getUsername()).isEqualTo("app");
				assertThat(properties.getPrimary().getPassword()).isEqualTo("secret-1");
				assertThat(properties.getReplicas().get("replica1").getUrl()).isEqualTo("jdbc:mysql://127.0.0.1:33062/app");
				assertThat(properties.getReplicas().get("replica2").getUrl()).isEqualTo("jdbc:mysql://127.0.0.1:33063/app");
				assertThat(properties.getReplicas().get("replica2").getPassword()).isEqualTo("secret-3");
			});
	}

	@Test
	void onlyThePrimaryAlsoFeedsSpringBootsJdbcAndFlywayDetailsAndBootsDataSourceBacksOff() {
		this.runner.withInitializer((context) -> ContainerSources.register(context, fieldSources(ThreeContainers.class)))
			.run((context) -> {
				assertThat(context).getBeans(JdbcConnectionDetails.class).hasSize(1);
				assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl())
					.isEqualTo("jdbc:mysql://127.0.0.1:33061/app");
				assertThat(context).getBeans(FlywayConnectionDetails.class).hasSize(1);
				assertThat(context.getBean(FlywayConnectionDetails.class).getJdbcUrl())
					.isEqualTo("jdbc:mysql://127.0.0.1:33061/app");
				assertThat(context).getBeans(DataSource.class).hasSize(1);
				assertThat(context).getBean(DataSource.class).isInstanceOf(RwsplitDataSource.class);
			});
	}

	@Test
	void containerBeansAreNamedAfterTheirBeanMethods() {
		this.runner.withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class))
			.withUserConfiguration(ContainerBeans.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RwsplitDataSource.class).getRouter().getResolvedDataSources())
					.containsOnlyKeys("primary", "readerA", "readerB");
				RwsplitProperties properties = context.getBean(RwsplitProperties.class);
				assertThat(properties.getPrimary().getUrl()).isEqualTo("jdbc:mysql://127.0.0.1:33061/app");
				assertThat(properties.getReplicas().get("readerB").getUrl()).isEqualTo("jdbc:mysql://127.0.0.1:33063/app");
			});
	}

	@Test
	void theFactoryIsFoundThroughSpringFactoriesForARwsplitContainer() {
		Map<Class<?>, ConnectionDetails> details = new ConnectionDetailsFactories(null)
			.getConnectionDetails(ContainerSources.field(ThreeContainers.class, "replica1"), true);
		assertThat(details).containsOnlyKeys(RwsplitConnectionDetails.class);
		assertThat(details.get(RwsplitConnectionDetails.class).getClass().getName())
			.startsWith(RwsplitContainerConnectionDetailsFactory.class.getName());
	}

	@Test
	void aContainerOnlyForSpringBootsDataSourceIsLeftToSpringBoot() {
		Map<Class<?>, ConnectionDetails> details = new ConnectionDetailsFactories(null)
			.getConnectionDetails(ContainerSources.field(OtherContainers.class, "plainMysql"), true);
		assertThat(details).containsKey(JdbcConnectionDetails.class).doesNotContainKey(RwsplitConnectionDetails.class);
	}

	@Test
	void aContainerThatIsNotMySqlIsNotANode() {
		RwsplitContainerConnectionDetailsFactory factory = new RwsplitContainerConnectionDetailsFactory();
		assertThat(factory.getConnectionDetails(source(OtherContainers.class, "notMysql"))).isNull();
	}

	@Test
	void testcontainersOneMySqlContainerClassIsANodeToo() {
		RwsplitContainerConnectionDetailsFactory factory = new RwsplitContainerConnectionDetailsFactory();
		assertThat(factory.getConnectionDetails(source(OtherContainers.class, "legacyPrimary"))).isNotNull();
	}

	@Test
	void aReplicaThatWouldAlsoFeedSpringBootsJdbcDetailsIsRefused() {
		RwsplitContainerConnectionDetailsFactory factory = new RwsplitContainerConnectionDetailsFactory();
		assertThatExceptionOfType(RwsplitConfigurationException.class)
			.isThrownBy(() -> factory.getConnectionDetails(source(OtherContainers.class, "untypedReplica")))
			.withMessageContaining("untypedReplica")
			.satisfies((ex) -> assertThat(ex.getAction()).contains("type = RwsplitConnectionDetails.class"));
	}

	@Test
	void twoPrimariesAreRefusedNamingBoth() {
		assertThatExceptionOfType(RwsplitConfigurationException.class)
			.isThrownBy(() -> cluster(ThreeContainers.class, OtherContainers.class, "primary", "legacyPrimary"))
			.withMessageContaining("ThreeContainers.primary")
			.withMessageContaining("OtherContainers.legacyPrimary");
	}

	@Test
	void theFirstContainerSpeaksForTheClusterAndTheOthersSayNothing() throws Exception {
		RwsplitContainerConnectionDetailsFactory factory = new RwsplitContainerConnectionDetailsFactory();
		List<RwsplitConnectionDetails> details = fieldSources(ThreeContainers.class).stream()
			.map((source) -> factory.getConnectionDetails(source(source)))
			.toList();
		((InitializingBean) details.get(0)).afterPropertiesSet();
		assertThat(details.get(0).primary().url()).isEqualTo("jdbc:mysql://127.0.0.1:33061/app");
		assertThat(details.get(0).replicas()).containsOnlyKeys("replica1", "replica2");
		assertThat(details.get(1).primary()).isNull();
		assertThat(details.get(1).replicas()).isEmpty();
		assertThat(details.get(0).toString()).doesNotContain("secret");
	}

	@Test
	void aSecondRegistrationOfTheSameSourcesStartsANewCluster() throws Exception {
		RwsplitContainerConnectionDetailsFactory factory = new RwsplitContainerConnectionDetailsFactory();
		List<ContainerConnectionSource<JdbcDatabaseContainer<?>>> sources = fieldSources(ThreeContainers.class).stream()
			.map(RwsplitContainerConnectionDetailsFactoryTests::source)
			.toList();
		sources.forEach(factory::getConnectionDetails);
		RwsplitConnectionDetails again = factory.getConnectionDetails(sources.get(0));
		sources.subList(1, 3).forEach(factory::getConnectionDetails);
		((InitializingBean) again).afterPropertiesSet();
		assertThat(again.primary()).isNotNull();
		assertThat(again.replicas()).containsOnlyKeys("replica1", "replica2");
	}

	@Test
	void aReplicasNameIsItsFieldOrBeanName() {
		Origin field = ContainerSources.field(ThreeContainers.class, "replica2").getOrigin();
		assertThat(RwsplitContainerConnectionDetailsFactory.replicaName(field, 2)).isEqualTo("replica2");
		Origin bean = origin("Bean 'readerA' defined in class path resource [x]");
		assertThat(RwsplitContainerConnectionDetailsFactory.replicaName(bean, 1)).isEqualTo("readerA");
		assertThat(RwsplitContainerConnectionDetailsFactory.replicaName(origin("something else"), 3)).isEqualTo("replica-3");
	}

	private static Origin origin(String description) {
		return new Origin() {
			@Override
			public String toString() {
				return description;
			}
		};
	}

	private static void cluster(Class<?> first, Class<?> second, String firstField, String secondField) {
		RwsplitContainerConnectionDetailsFactory factory = new RwsplitContainerConnectionDetailsFactory();
		factory.getConnectionDetails(source(first, firstField));
		factory.getConnectionDetails(source(second, secondField));
	}

	private static List<ContainerConnectionSource<?>> fieldSources(Class<?> type) {
		return List.of(ContainerSources.field(type, "primary"), ContainerSources.field(type, "replica1"),
				ContainerSources.field(type, "replica2"));
	}

	private static ContainerConnectionSource<JdbcDatabaseContainer<?>> source(Class<?> type, String field) {
		return source(ContainerSources.field(type, field));
	}

	@SuppressWarnings("unchecked")
	private static ContainerConnectionSource<JdbcDatabaseContainer<?>> source(ContainerConnectionSource<?> source) {
		return (ContainerConnectionSource<JdbcDatabaseContainer<?>>) source;
	}

	static MySQLContainer mysql(int port, String password) {
		return new RunningMySqlContainer("jdbc:mysql://127.0.0.1:" + port + "/app", password);
	}

	/** A container that says it runs at a fixed address: nothing here asks Docker. */
	static class RunningMySqlContainer extends MySQLContainer {

		private final String jdbcUrl;

		RunningMySqlContainer(String jdbcUrl, String password) {
			super("mysql:8.4");
			this.jdbcUrl = jdbcUrl;
			withUsername("app").withPassword(password);
		}

		@Override
		public String getJdbcUrl() {
			return this.jdbcUrl;
		}

		@Override
		public boolean isRunning() {
			return true;
		}

	}

	/** A user's test class: a primary and two replicas, as static fields. */
	static class ThreeContainers {

		@ServiceConnection(name = "rwsplit-primary")
		static MySQLContainer primary = mysql(33061, "secret-1");

		@ServiceConnection(name = "rwsplit-replica", type = RwsplitConnectionDetails.class)
		static MySQLContainer replica1 = mysql(33062, "secret-2");

		@ServiceConnection(name = "rwsplit-replica", type = RwsplitConnectionDetails.class)
		static MySQLContainer replica2 = mysql(33063, "secret-3");

	}

	static class OtherContainers {

		@ServiceConnection(name = "rwsplit-replica")
		static MySQLContainer untypedReplica = mysql(33064, "secret");

		@ServiceConnection(name = "mysql")
		static MySQLContainer plainMysql = mysql(33065, "secret");

		@ServiceConnection(name = "rwsplit-primary")
		static GenericContainer<?> notMysql = new GenericContainer<>("redis:7");

		@SuppressWarnings("deprecation")
		@ServiceConnection(name = "rwsplit-primary")
		static org.testcontainers.containers.MySQLContainer<?> legacyPrimary =
				new org.testcontainers.containers.MySQLContainer<>("mysql:8.4");

	}

	/** A user's container configuration: {@code @Bean} methods. */
	@Configuration(proxyBeanMethods = false)
	static class ContainerBeans {

		@Bean
		@ServiceConnection(name = "rwsplit-primary")
		MySQLContainer primaryDatabase() {
			return mysql(33061, "secret-1");
		}

		@Bean
		@ServiceConnection(name = "rwsplit-replica", type = RwsplitConnectionDetails.class)
		MySQLContainer readerA() {
			return mysql(33062, "secret-2");
		}

		@Bean
		@ServiceConnection(name = "rwsplit-replica", type = RwsplitConnectionDetails.class)
		MySQLContainer readerB() {
			return mysql(33063, "secret-3");
		}

	}

}
