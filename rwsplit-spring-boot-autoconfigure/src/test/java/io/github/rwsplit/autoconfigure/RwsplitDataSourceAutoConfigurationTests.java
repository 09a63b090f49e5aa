package io.github.rwsplit.autoconfigure;

import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import io.github.rwsplit.balancing.LeastConnectionsReplicaSelector;
import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.mysql.ReadOnlyRouteExceptionInterceptor;
import io.github.rwsplit.routing.ReplicaSelector;
import io.github.rwsplit.routing.RwsplitDataSource;

import static io.github.rwsplit.autoconfigure.StartupFailures.analysis;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions, back-off, pools and validation of {@link RwsplitDataSourceAutoConfiguration}. No
 * database: pools start without connecting ({@code minimum-idle: 0}) to unreachable addresses.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class RwsplitDataSourceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class));

	private static final String[] CLUSTER = { "rwsplit.pool.minimum-idle=0", "rwsplit.username=app",
			"rwsplit.password=top-secret", "rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app", "rwsplit.startup.primary-check-timeout=0",
			"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app",
			"rwsplit.replicas.replica-2.url=jdbc:mysql://127.0.0.1:3/app" };

	private ApplicationContextRunner withCluster(String... more) {
		return this.runner.withPropertyValues(CLUSTER).withPropertyValues(more);
	}

	@Test
	void doesNothingWhenNoNodeIsConfigured() {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:mysql://127.0.0.1:1/app")
			.run((context) -> assertThat(context).hasSingleBean(DataSource.class)
				.doesNotHaveBean(RwsplitDataSource.class)
				.doesNotHaveBean(ReplicaSelector.class));
	}

	@Test
	void replacesBootsDataSourceWithTheRoutingOne() {
		withCluster().run((context) -> {
			assertThat(context).hasSingleBean(DataSource.class).hasSingleBean(RwsplitDataSource.class);
			assertThat(context.getBean(DataSource.class)).isSameAs(context.getBean(RwsplitDataSource.class));
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnDataSource() {
		withCluster().withUserConfiguration(UserDataSource.class)
			.run((context) -> assertThat(context).hasSingleBean(DataSource.class)
				.doesNotHaveBean(RwsplitDataSource.class)
				.hasBean("userDataSource"));
	}

	@Test
	void backsOffWhenDisabled() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class))
			.withPropertyValues(CLUSTER)
			.withPropertyValues("rwsplit.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DataSource.class));
	}

	@Test
	void buildsOnePoolPerNodeWithSharedAndPerNodeSettings() {
		withCluster("rwsplit.pool.maximum-pool-size=7", "rwsplit.pool.connection-timeout=2s",
				"rwsplit.replicas.replica-2.pool.maximum-pool-size=3", "rwsplit.replicas.replica-2.username=reader",
				"rwsplit.pool.data-source-properties.cachePrepStmts=true")
			.run((context) -> {
				Map<Object, DataSource> pools = context.getBean(RwsplitDataSource.class)
					.getRouter()
					.getResolvedDataSources();
				assertThat(pools).containsOnlyKeys("primary", "replica-1", "replica-2");
				HikariDataSource primary = (HikariDataSource) pools.get("primary");
				HikariDataSource replica1 = (HikariDataSource) pools.get("replica-1");
				HikariDataSource replica2 = (HikariDataSource) pools.get("replica-2");
				assertThat(primary.getPoolName()).isEqualTo("rwsplit-primary");
				assertThat(replica1.getPoolName()).isEqualTo("rwsplit-replica-1");
				assertThat(primary.getMaximumPoolSize()).isEqualTo(7);
				assertThat(replica2.getMaximumPoolSize()).isEqualTo(3);
				assertThat(primary.getConnectionTimeout()).isEqualTo(2000);
				assertThat(primary.getUsername()).isEqualTo("app");
				assertThat(replica2.getUsername()).isEqualTo("reader");
				assertThat(primary.isReadOnly()).isFalse();
				assertThat(replica1.isReadOnly()).isTrue();
				assertThat(replica1.getDataSourceProperties())
					.containsEntry("exceptionInterceptors", ReadOnlyRouteExceptionInterceptor.class.getName())
					.containsEntry(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY, "replica-1")
					.containsEntry("cachePrepStmts", "true");
				assertThat(replica1.getDataSourceProperties()).containsEntry(ReadOnlyRouteExceptionInterceptor.ROLE_PROPERTY,
						ReadOnlyRouteExceptionInterceptor.REPLICA_ROLE);
				// On the primary, the interceptor reads a read-only refusal as a role change.
				assertThat(primary.getDataSourceProperties())
					.containsEntry("exceptionInterceptors", ReadOnlyRouteExceptionInterceptor.class.getName())
					.containsEntry(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY, "primary")
					.containsEntry(ReadOnlyRouteExceptionInterceptor.ROLE_PROPERTY,
							ReadOnlyRouteExceptionInterceptor.PRIMARY_ROLE)
					.containsEntry(io.github.rwsplit.routing.ConnectionFailureSignals.ROUTER_PROPERTY,
							context.getBean(RwsplitDataSource.class).getRouter().getId());
			});
	}

	@Test
	void closingTheContextClosesEveryPool() {
		withCluster().run((context) -> {
			Map<Object, DataSource> pools = context.getBean(RwsplitDataSource.class).getRouter().getResolvedDataSources();
			context.close();
			assertThat(pools.values()).allSatisfy((pool) -> assertThat(((HikariDataSource) pool).isClosed()).isTrue());
		});
	}

	@Test
	void replicaSelectorFollowsLoadBalancingAndUserBeansWin() {
		withCluster().run((context) -> assertThat(context.getBean(ReplicaSelector.class))
			.isInstanceOf(RoundRobinReplicaSelector.class));
		withCluster("rwsplit.load-balancing=least-connections").run((context) -> assertThat(
				context.getBean(ReplicaSelector.class))
			.isInstanceOf(LeastConnectionsReplicaSelector.class));
		withCluster().withUserConfiguration(UserSelector.class)
			.run((context) -> assertThat(context).hasSingleBean(ReplicaSelector.class)
				.getBean(ReplicaSelector.class)
				.isSameAs(UserSelector.SELECTOR));
	}

	@Test
	void groupsAndTheDefaultGroupShapeTheTopology() {
		withCluster("rwsplit.replicas.reporting.url=jdbc:mysql://127.0.0.1:4/app",
				"rwsplit.replicas.reporting.group=reporting")
			.run((context) -> {
				var topology = context.getBean(RwsplitDataSource.class).getRouter().getTopology();
				assertThat(topology.groups()).containsExactlyInAnyOrder("default", "reporting");
				assertThat(topology.replicas(null)).extracting("name").containsExactly("replica-1", "replica-2");
				assertThat(topology.replicas("reporting")).extracting("name").containsExactly("reporting");
			});
	}

	@Test
	void autoConsistencyUsesPinUntilThePrimaryAnswersAndSaysWhy(
			org.springframework.boot.test.system.CapturedOutput output) {
		// Without the monitor, the primary is asked once; the warning carries the cause.
		withCluster("rwsplit.monitor.enabled=false").run((context) -> {
			var consistency = context.getBean(RwsplitDataSource.class).getRouter().view().consistency();
			assertThat(consistency.mode()).isEqualTo(io.github.rwsplit.consistency.ConsistencyMode.PIN);
			assertThat(consistency.modeReason()).contains("could not ask the primary").contains("Communications link failure");
			assertThat(output).contains("could not ask the primary whether it has GTIDs (Communications link failure");
		});
		withCluster().run((context) -> {
			var router = context.getBean(RwsplitDataSource.class).getRouter();
			// With the monitor (not started here), auto waits for its first good check of the primary.
			assertThat(router.view().consistency().mode()).isEqualTo(io.github.rwsplit.consistency.ConsistencyMode.PIN);
			assertThat(router.view().consistency().modeReason()).isEqualTo(ConsistencyModeResolver.UNRESOLVED);
			HikariDataSource primary = (HikariDataSource) router.getResolvedDataSources().get("primary");
			assertThat(primary.getDataSourceProperties()).containsEntry("trackSessionState", "true")
				.containsEntry("sessionVariables", "session_track_gtids=OWN_GTID")
				.containsEntry("connectionLifecycleInterceptors",
						io.github.rwsplit.mysql.GtidCaptureInterceptor.class.getName());
		});
		withCluster("rwsplit.consistency.mode=eventual").run((context) -> {
			var router = context.getBean(RwsplitDataSource.class).getRouter();
			assertThat(router.view().consistency().mode()).isEqualTo(io.github.rwsplit.consistency.ConsistencyMode.EVENTUAL);
			HikariDataSource primary = (HikariDataSource) router.getResolvedDataSources().get("primary");
			// Write barriers need each commit's GTID whatever the read-your-writes mode.
			assertThat(primary.getDataSourceProperties()).containsEntry("trackSessionState", "true");
		});
		withCluster("rwsplit.consistency.mode=eventual", "rwsplit.write-barrier.enabled=false").run((context) -> {
			var router = context.getBean(RwsplitDataSource.class).getRouter();
			HikariDataSource primary = (HikariDataSource) router.getResolvedDataSources().get("primary");
			assertThat(primary.getDataSourceProperties()).doesNotContainKey("trackSessionState");
			assertThat(context).doesNotHaveBean(io.github.rwsplit.barrier.WriteBarrier.class);
		});
	}

	@Test
	void missingPrimaryUrlIsReportedByProperty() {
		this.runner.withPropertyValues("rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.primary.url: no primary URL is configured"));
	}

	@Test
	void replicaNamedLikeThePrimaryIsADuplicate() {
		withCluster("rwsplit.replicas.Primary.url=jdbc:mysql://127.0.0.1:5/app")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.replicas.Primary: the node name 'Primary' is already used by rwsplit.primary"));
	}

	@Test
	void waitsPerReplicaAreCappedAtHalfEachReplicaPoolUnlessConfiguredAndTheBarrierSharesTheCap() {
		withCluster("rwsplit.pool.maximum-pool-size=8", "rwsplit.replicas.replica-2.pool.maximum-pool-size=1").run((context) -> {
			var router = context.getBean(RwsplitDataSource.class).getRouter();
			assertThat(router.getWaitPermits().max("replica-1")).isEqualTo(4);
			// Half of one connection, rounded down, would refuse every wait: at least 1.
			assertThat(router.getWaitPermits().max("replica-2")).isEqualTo(1);
			assertThat(context.getBean(io.github.rwsplit.barrier.WriteBarrier.class)).isNotNull();
		});
		withCluster("rwsplit.consistency.max-waits-per-replica=3").run((context) -> {
			var permits = context.getBean(RwsplitDataSource.class).getRouter().getWaitPermits();
			assertThat(permits.max("replica-1")).isEqualTo(3);
			assertThat(permits.max("replica-2")).isEqualTo(3);
		});
	}

	@Test
	void aCapOfNoWaitsPerReplicaIsReportedByProperty() {
		withCluster("rwsplit.consistency.max-waits-per-replica=0").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("rwsplit.consistency.max-waits-per-replica");
			assertThat(analysis.getAction()).contains("at least 1");
		});
	}

	@Test
	void negativeWeightIsReportedByProperty() {
		withCluster("rwsplit.replicas.replica-1.weight=-2").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription())
				.contains("rwsplit.replicas.replica-1.weight: weight -2 of replica 'replica-1' is negative");
			assertThat(analysis.getAction()).contains("0 or more");
		});
	}

	@Test
	void replicaWithThePrimarysUrlIsReportedWithoutCredentials() {
		withCluster("rwsplit.replicas.replica-2.url=jdbc:mysql://127.0.0.1:1/app?password=top-secret")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.replicas.replica-2.url: replica 'replica-2' has the primary's URL")
				.contains("password=******")
				.doesNotContain("top-secret"));
	}

	@Test
	void replicaWithoutUrlIsReportedByProperty() {
		withCluster("rwsplit.replicas.replica-3.weight=1")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.replicas.replica-3.url: replica 'replica-3' has no URL"));
	}

	@Test
	void defaultGroupWithoutReplicasIsReported() {
		withCluster("rwsplit.replicas.replica-1.group=archive", "rwsplit.replicas.replica-2.group=archive")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("rwsplit.default-group: the default group 'default' has no replicas; groups are [archive]"));
	}

	@Test
	void unknownLoadBalancingFailsBindingNamingThePropertyAndValue() {
		// Spring Boot's own bind failure analysis then lists the valid values.
		withCluster("rwsplit.load-balancing=fastest").run((context) -> {
			assertThat(context).hasFailed();
			BindException bind = findCause(context.getStartupFailure(), BindException.class);
			assertThat(bind.getProperty().getName().toString()).isEqualTo("rwsplit.load-balancing");
			assertThat(bind.getProperty().getValue()).isEqualTo("fastest");
		});
	}

	@Test
	void springDatasourceUrlSetAlongsideRwsplitIsReportedOnce(org.springframework.boot.test.system.CapturedOutput output) {
		withCluster("spring.datasource.url=jdbc:mysql://127.0.0.1:9/other", "spring.datasource.password=elsewhere")
			.run((context) -> {
				assertThat(context).hasSingleBean(RwsplitDataSource.class);
				String said = "spring.datasource.url, spring.datasource.password are set, but rwsplit's DataSource ignores them";
				assertThat(output.getOut().split(java.util.regex.Pattern.quote(said), -1)).hasSize(2);
				assertThat(output).doesNotContain("elsewhere");
			});
	}

	@Test
	void excludingBootsDataSourceAutoConfigurationMeansNoDataSource() {
		new ApplicationContextRunner().withUserConfiguration(ExcludesBootsDataSource.class)
			.withPropertyValues(CLUSTER)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(DataSource.class)
				.doesNotHaveBean(ReplicaSelector.class));
	}

	@Test
	void userInAReplicaUrlWinsOverTheSharedUsernameWithAWarningAndNoPassword(
			org.springframework.boot.test.system.CapturedOutput output) {
		withCluster("rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app?user=reader&password=ro-secret",
				"rwsplit.replicas.replica-2.url=jdbc:mysql://auditor:audit-secret@127.0.0.1:3/app")
			.run((context) -> {
				var router = context.getBean(RwsplitDataSource.class).getRouter();
				HikariDataSource replica1 = (HikariDataSource) router.getResolvedDataSources().get("replica-1");
				HikariDataSource replica2 = (HikariDataSource) router.getResolvedDataSources().get("replica-2");
				HikariDataSource primary = (HikariDataSource) router.getResolvedDataSources().get("primary");
				// Unset on the pool, so that the driver takes the URL's in either form.
				assertThat(replica1.getUsername()).isNull();
				assertThat(replica1.getPassword()).isNull();
				assertThat(replica2.getUsername()).isNull();
				assertThat(primary.getUsername()).isEqualTo("app");
				assertThat(output).contains("replica 'replica-1' logs in as 'reader' from its URL; rwsplit.username ('app') is not used for it")
					.contains("replica 'replica-1': the password in its URL differs from rwsplit.password; the URL's is used")
					.contains("replica 'replica-2' logs in as 'auditor' from its URL")
					.doesNotContain("ro-secret")
					.doesNotContain("audit-secret")
					.doesNotContain("top-secret");
				String report = context.getBean(RwsplitStartupReport.class).report();
				assertThat(report).contains("user reader").contains("user auditor").contains("user app")
					.doesNotContain("secret");
			});
	}

	@Test
	void userInAUrlWinsOverTheNodesOwnUsernameToo(org.springframework.boot.test.system.CapturedOutput output) {
		withCluster("rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app?user=reader",
				"rwsplit.replicas.replica-1.username=writer")
			.run((context) -> {
				HikariDataSource replica1 = (HikariDataSource) context.getBean(RwsplitDataSource.class)
					.getRouter()
					.getResolvedDataSources()
					.get("replica-1");
				assertThat(replica1.getUsername()).isNull();
				// No password in the URL: the node's, then the shared one, applies.
				assertThat(replica1.getPassword()).isEqualTo("top-secret");
				assertThat(output).contains(
						"replica 'replica-1' logs in as 'reader' from its URL; rwsplit.replicas.replica-1.username ('writer') is not used for it");
			});
	}

	@Test
	void sameUserInUrlAndPropertyIsNoDisagreement(org.springframework.boot.test.system.CapturedOutput output) {
		withCluster("rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app?user=app&password=top-secret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).doesNotContain("from its URL").doesNotContain("differs from");
			});
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		throw new AssertionError("no " + type.getSimpleName() + " in " + failure);
	}


	@Configuration(proxyBeanMethods = false)
	@org.springframework.boot.autoconfigure.ImportAutoConfiguration(
			classes = { RwsplitDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class },
			exclude = DataSourceAutoConfiguration.class)
	static class ExcludesBootsDataSource {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDataSource {

		@Bean
		DataSource userDataSource() {
			return new SimpleDriverDataSource();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSelector {

		static final ReplicaSelector SELECTOR = (candidates) -> candidates.get(0);

		@Bean
		ReplicaSelector userSelector() {
			return SELECTOR;
		}

	}

}
