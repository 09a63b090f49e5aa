package io.github.rwsplit.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.annotation.RoutingAnnotationAdvisor;
import io.github.rwsplit.annotation.RoutingAnnotationInterceptor;
import io.github.rwsplit.routing.RoutingTransactionListener;
import io.github.rwsplit.routing.RwsplitDataSource;

import static io.github.rwsplit.autoconfigure.StartupFailures.analysis;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The annotation advice, the transaction listener and the start-up checks of annotations.
 */
@ExtendWith(OutputCaptureExtension.class)
class RwsplitRoutingAnnotationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
				RwsplitRoutingAnnotationAutoConfiguration.class, RwsplitHibernateAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
				AopAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app", "rwsplit.startup.primary-check-timeout=0",
				"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app",
				"rwsplit.replicas.reporting-1.url=jdbc:mysql://127.0.0.1:3/app",
				"rwsplit.replicas.reporting-1.group=reporting");

	@Test
	void annotatedBeansAreProxiedAndEveryTransactionManagerGetsTheListenerOnce() {
		this.runner.withUserConfiguration(Annotated.class).run((context) -> {
			assertThat(context).hasSingleBean(RoutingAnnotationAdvisor.class);
			assertThat(AopUtils.isAopProxy(context.getBean(ReportingReads.class))).isTrue();
			ConfigurableTransactionManager manager = (ConfigurableTransactionManager) context
				.getBean(PlatformTransactionManager.class);
			assertThat(manager.getTransactionExecutionListeners()).filteredOn(RoutingTransactionListener.class::isInstance)
				.hasSize(1);
		});
	}

	@Test
	void userDefinedTransactionManagersGetTheListenerToo() {
		this.runner.withUserConfiguration(UserTransactionManager.class).run((context) -> {
			JdbcTransactionManager manager = context.getBean("userTransactionManager", JdbcTransactionManager.class);
			assertThat(manager.getTransactionExecutionListeners()).hasAtLeastOneElementOfType(RoutingTransactionListener.class);
		});
	}

	@Test
	void readRetriesAreOnByDefaultAndOffWithTheProperty() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(io.github.rwsplit.annotation.ReadRetryAdvisor.class);
			assertThat(context.getBean(io.github.rwsplit.routing.RwsplitDataSource.class).getRouter().view().retryReads())
				.isTrue();
		});
		this.runner.withPropertyValues("rwsplit.routing.retry-reads=false").run((context) -> {
			assertThat(context).doesNotHaveBean(io.github.rwsplit.annotation.ReadRetryAdvisor.class);
			assertThat(context.getBean(io.github.rwsplit.routing.RwsplitDataSource.class).getRouter().view().retryReads())
				.isFalse();
		});
	}

	@Test
	void userReadRetryAdvisorWins() {
		io.github.rwsplit.annotation.ReadRetryAdvisor mine = new io.github.rwsplit.annotation.ReadRetryAdvisor(
				new io.github.rwsplit.annotation.ReadRetryInterceptor());
		this.runner.withBean(io.github.rwsplit.annotation.ReadRetryAdvisor.class, () -> mine)
			.run((context) -> assertThat(context).getBean(io.github.rwsplit.annotation.ReadRetryAdvisor.class)
				.isSameAs(mine));
	}

	@Test
	void userAdvisorWins() {
		this.runner.withUserConfiguration(UserAdvisor.class)
			.run((context) -> assertThat(context).getBean(RoutingAnnotationAdvisor.class).isSameAs(UserAdvisor.ADVISOR));
	}

	@Test
	void nothingIsAddedWithoutTheRoutingDataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
					RwsplitRoutingAnnotationAutoConfiguration.class, RwsplitHibernateAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RoutingAnnotationAdvisor.class)
				.doesNotHaveBean(RoutingAnnotationVerifier.class)
				.doesNotHaveBean(HibernatePropertiesCustomizer.class));
	}

	@Test
	void hibernateReleasesConnectionsAfterEachTransactionUnlessConfiguredOtherwise() {
		this.runner.run((context) -> {
			java.util.Map<String, Object> properties = new java.util.HashMap<>();
			context.getBean(HibernatePropertiesCustomizer.class).customize(properties);
			assertThat(properties).containsEntry("hibernate.connection.handling_mode",
					"DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION");
			java.util.Map<String, Object> explicit = new java.util.HashMap<>(
					java.util.Map.of("hibernate.connection.handling_mode", "IMMEDIATE_ACQUISITION_AND_HOLD"));
			context.getBean(HibernatePropertiesCustomizer.class).customize(explicit);
			assertThat(explicit).containsEntry("hibernate.connection.handling_mode", "IMMEDIATE_ACQUISITION_AND_HOLD");
		});
	}

	@Test
	void readReplicaNamingAnUnknownGroupFailsStartUp() {
		this.runner.withUserConfiguration(UnknownGroup.class).run((context) -> {
			var analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("@ReadReplica(\"archive\")")
				.contains("UnknownGroupReads.read()")
				.contains("groups are [default, reporting]");
		});
	}

	@Test
	void writeBarriersThatCanNeverBeMetFailStartUpNamingTheMethod() {
		this.runner.withUserConfiguration(Barriers.class).run((context) -> {
			var analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("@Primary(awaitReplicas = 2)")
				.contains("TooManyReplicas.write()")
				.contains("group 'default' has 1 replica(s)");
		});
		this.runner.withUserConfiguration(UnknownBarrierGroup.class).run((context) -> {
			assertThat(analysis(context).getDescription()).contains("@Primary(awaitGroup = \"archive\")");
		});
		this.runner.withUserConfiguration(UnknownBarrierGroup.class)
			.withPropertyValues("rwsplit.write-barrier.enabled=false")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("write barriers are off"));
	}

	@Test
	void springsPrimaryOnAServiceMethodIsReported(CapturedOutput output) {
		this.runner.withUserConfiguration(WrongImport.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("WrongPrimary.load() carries Spring's @org.springframework.context.annotation.Primary")
				.contains("import io.github.rwsplit.annotation.Primary instead");
			assertThat(output).doesNotContain("beanMethod()");
		});
	}

	@Test
	void routingAnnotationsThatAProxyCannotApplyAreReportedByMethod(CapturedOutput output) {
		this.runner.withUserConfiguration(Unreachable.class).run((context) -> {
			assertThat(context).hasNotFailed();
			String type = UnreachableRouting.class.getName();
			assertThat(output).contains("@ReadReplica on " + type + ".hidden() has no effect: the method is private")
				.contains("@Primary on " + type + ".locked() has no effect: the method is final")
				.contains("@ReadReplica on " + type + ".report() has no effect when called from " + type
						+ ".summary(): a call within the bean bypasses its proxy")
				.doesNotContain(type + ".summary() has no effect")
				.doesNotContain(type + ".reachable()");
		});
	}

	@Test
	void callsThroughTheBeansOwnProxyAreNotSelfInvocation(CapturedOutput output) {
		this.runner.withUserConfiguration(SelfInjected.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).doesNotContain("a call within the bean bypasses its proxy");
		});
	}

	@Test
	void customIsolationWhileHibernateReleasesConnectionsFailsStartUpWithBothRemedies() {
		this.runner.withUserConfiguration(CustomIsolation.class).run((context) -> {
			var analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("rwsplit.jpa.release-connection-after-transaction")
				.contains("SerializableWork.run()");
			assertThat(analysis.getAction()).contains("release-connection-after-transaction=false")
				.contains("spring.jpa.open-in-view=false");
		});
		this.runner.withUserConfiguration(CustomIsolation.class)
			.withPropertyValues("rwsplit.jpa.release-connection-after-transaction=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HibernatePropertiesCustomizer.class));
	}

	@Test
	void transactionManagersOfOtherResourcesAreLeftAlone() {
		this.runner.withUserConfiguration(OtherTransactionManager.class).run((context) -> {
			JdbcTransactionManager other = context.getBean("otherTransactionManager", JdbcTransactionManager.class);
			assertThat(other.getTransactionExecutionListeners()).noneMatch(RoutingTransactionListener.class::isInstance);
		});
	}

	@Test
	void routingListenerRunsBeforeOtherListeners() {
		this.runner.withUserConfiguration(UserTransactionManager.class).run((context) -> {
			JdbcTransactionManager manager = context.getBean("userTransactionManager", JdbcTransactionManager.class);
			assertThat(manager.getTransactionExecutionListeners()).first().isInstanceOf(RoutingTransactionListener.class);
			assertThat(manager.getTransactionExecutionListeners()).hasSize(2);
		});
	}

	static class SerializableWork {

		@org.springframework.transaction.annotation.Transactional(
				isolation = org.springframework.transaction.annotation.Isolation.SERIALIZABLE)
		public void run() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomIsolation {

		@Bean
		SerializableWork serializableWork() {
			return new SerializableWork();
		}

		/** Stands in for JPA: the verifier only asks whether such a bean exists. */
		@Bean
		Object entityManagerFactory() {
			return new Object();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OtherTransactionManager {

		@Bean
		JdbcTransactionManager otherTransactionManager() {
			return new JdbcTransactionManager(new org.springframework.jdbc.datasource.SimpleDriverDataSource());
		}

	}

	static class ReportingReads {

		@ReadReplica("reporting")
		public String read() {
			return "ok";
		}

	}

	static class TooManyReplicas {

		@io.github.rwsplit.annotation.Primary(awaitReplicas = 2)
		public String write() {
			return "never";
		}

	}

	static class ArchiveBarrier {

		@io.github.rwsplit.annotation.Primary(awaitGroup = "archive")
		public String write() {
			return "never";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Barriers {

		@Bean
		TooManyReplicas tooManyReplicas() {
			return new TooManyReplicas();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownBarrierGroup {

		@Bean
		ArchiveBarrier archiveBarrier() {
			return new ArchiveBarrier();
		}

	}

	static class UnknownGroupReads {

		@ReadReplica("archive")
		public String read() {
			return "never";
		}

	}

	static class UnreachableRouting {

		@ReadReplica
		private String hidden() {
			return "private";
		}

		@io.github.rwsplit.annotation.Primary
		public final String locked() {
			return hidden();
		}

		@ReadReplica
		public String report() {
			return "report";
		}

		public String summary() {
			return report();
		}

		@ReadReplica
		public String reachable() {
			return "fine";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Unreachable {

		@Bean
		UnreachableRouting unreachableRouting() {
			return new UnreachableRouting();
		}

	}

	static class SelfInjectedRouting {

		@org.springframework.beans.factory.annotation.Autowired
		@org.springframework.context.annotation.Lazy
		SelfInjectedRouting self;

		@ReadReplica
		public String report() {
			return "report";
		}

		public String summary() {
			return this.self.report();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SelfInjected {

		@Bean
		SelfInjectedRouting selfInjectedRouting() {
			return new SelfInjectedRouting();
		}

	}

	static class WrongPrimary {

		@org.springframework.context.annotation.Primary
		public String load() {
			return "wrong import";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Annotated {

		@Bean
		ReportingReads reportingReads() {
			return new ReportingReads();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownGroup {

		@Bean
		UnknownGroupReads unknownGroupReads() {
			return new UnknownGroupReads();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WrongImport {

		@Bean
		WrongPrimary wrongPrimary() {
			return new WrongPrimary();
		}

		@Bean
		@org.springframework.context.annotation.Primary
		String beanMethod() {
			return "fine";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTransactionManager {

		@Bean
		JdbcTransactionManager userTransactionManager(RwsplitDataSource dataSource) {
			JdbcTransactionManager manager = new JdbcTransactionManager(dataSource);
			manager.addListener(new org.springframework.transaction.TransactionExecutionListener() {
			});
			return manager;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAdvisor {

		static final RoutingAnnotationAdvisor ADVISOR = new RoutingAnnotationAdvisor(new RoutingAnnotationInterceptor("default"));

		@Bean
		RoutingAnnotationAdvisor userAdvisor() {
			return ADVISOR;
		}

	}

}
