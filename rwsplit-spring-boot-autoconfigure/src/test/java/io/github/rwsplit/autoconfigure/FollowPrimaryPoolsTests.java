package io.github.rwsplit.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.rwsplit.actuate.RwsplitEndpoint;
import io.github.rwsplit.metrics.RwsplitMetrics;
import io.github.rwsplit.mysql.GtidCaptureInterceptor;
import io.github.rwsplit.mysql.ReadOnlyRouteExceptionInterceptor;
import io.github.rwsplit.mysql.ResponseTimeInterceptor;
import io.github.rwsplit.routing.ConnectionFailureSignals;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RwsplitDataSource;

import static io.github.rwsplit.autoconfigure.StartupFailures.analysis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The pools a node needs for the role it may take when the primary moves
 * ({@code rwsplit.topology.follow-primary}): a writer pool on each replica, a reader entry for the
 * configured primary; lazy, closed with the context. No database: nothing listens on the nodes'
 * addresses.
 */
@ExtendWith(OutputCaptureExtension.class)
class FollowPrimaryPoolsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class));

	private static final String[] CLUSTER = { "rwsplit.pool.minimum-idle=0", "rwsplit.username=app",
			"rwsplit.password=top-secret", "rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app",
			"rwsplit.startup.primary-check-timeout=0", "rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app",
			"rwsplit.replicas.replica-2.url=jdbc:mysql://127.0.0.1:3/app" };

	private ApplicationContextRunner withCluster(String... more) {
		return this.runner.withPropertyValues(CLUSTER).withPropertyValues(more);
	}

	private static ReadWriteRoutingDataSource router(AssertableApplicationContext context) {
		return context.getBean(RwsplitDataSource.class).getRouter();
	}

	private static HikariDataSource writer(AssertableApplicationContext context, String node) {
		return (HikariDataSource) router(context).writerPool(node);
	}

	private static HikariDataSource primaryAsReplica(AssertableApplicationContext context) {
		return (HikariDataSource) router(context).readerNode("primary").dataSource();
	}

	private static void assertNotStarted(HikariDataSource pool) {
		assertThat(pool.isRunning()).as("%s is running", pool.getPoolName()).isFalse();
		assertThat(pool.getHikariPoolMXBean()).as("%s has a pool", pool.getPoolName()).isNull();
	}

	@Test
	void eachReplicaGetsAWriterPoolNamedForTheRoleThatOpensNothingUntilUsed() {
		withCluster().run((context) -> {
			assertThat(writer(context, "replica-1").getPoolName()).isEqualTo("rwsplit-replica-1-as-primary");
			assertThat(writer(context, "replica-2").getPoolName()).isEqualTo("rwsplit-replica-2-as-primary");
			assertNotStarted(writer(context, "replica-1"));
			assertNotStarted(writer(context, "replica-2"));
			// The configured primary writes through its own pool.
			assertThat(router(context).writerPool("primary"))
				.isSameAs(router(context).getResolvedDataSources().get("primary"));
		});
	}

	@Test
	void theConfiguredPrimaryGetsAReaderEntryInTheDefaultGroupThatOpensNothingUntilUsed() {
		withCluster("rwsplit.default-group=main", "rwsplit.replicas.replica-1.group=main",
				"rwsplit.replicas.replica-2.group=main")
			.run((context) -> {
				ReplicaNode reader = router(context).readerNode("primary");
				assertThat(reader.name()).isEqualTo("primary");
				assertThat(reader.group()).isEqualTo("main");
				assertThat(reader.weight()).isEqualTo(1);
				assertThat(reader.activeConnections()).isZero();
				assertThat(primaryAsReplica(context).getPoolName()).isEqualTo("rwsplit-primary-as-replica");
				assertNotStarted(primaryAsReplica(context));
				// Not a configured replica: it serves reads only once the monitor demotes it.
				assertThat(router(context).getTopology().replicas(null)).extracting(ReplicaNode::name)
					.doesNotContain("primary");
			});
	}

	@Test
	void aWriterPoolIsConfiguredAsThePrimarysWithTheReplicasAddress() {
		withCluster("rwsplit.pool.maximum-pool-size=8", "rwsplit.primary.pool.maximum-pool-size=20",
				"rwsplit.primary.pool.connection-timeout=5s", "rwsplit.replicas.replica-1.pool.maximum-pool-size=3",
				"rwsplit.primary.pool.data-source-properties.rewriteBatchedStatements=true")
			.run((context) -> {
				HikariDataSource primary = (HikariDataSource) router(context).getResolvedDataSources().get("primary");
				HikariDataSource writer = writer(context, "replica-1");
				assertThat(writer.getJdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:2/app");
				assertThat(writer.isReadOnly()).isFalse();
				assertThat(writer.getMaximumPoolSize()).isEqualTo(20).isEqualTo(primary.getMaximumPoolSize());
				assertThat(writer.getConnectionTimeout()).isEqualTo(5000).isEqualTo(primary.getConnectionTimeout());
				assertThat(writer.getIdleTimeout()).isEqualTo(primary.getIdleTimeout());
				assertThat(writer.getMaxLifetime()).isEqualTo(primary.getMaxLifetime());
				assertThat(writer.getInitializationFailTimeout()).isEqualTo(-1);
				Map<Object, Object> driver = Map.copyOf(writer.getDataSourceProperties());
				assertThat(driver).containsEntry("rewriteBatchedStatements", "true")
					.containsEntry("trackSessionState", "true")
					.containsEntry("sessionVariables", "session_track_gtids=OWN_GTID")
					.containsEntry("connectionLifecycleInterceptors", GtidCaptureInterceptor.class.getName())
					.containsEntry("exceptionInterceptors", ReadOnlyRouteExceptionInterceptor.class.getName())
					.containsEntry(ReadOnlyRouteExceptionInterceptor.ROLE_PROPERTY,
							ReadOnlyRouteExceptionInterceptor.PRIMARY_ROLE)
					.containsEntry(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY, "replica-1")
					.containsEntry(ConnectionFailureSignals.ROUTER_PROPERTY, router(context).getId())
					.doesNotContainKey("queryInterceptors")
					.doesNotContainKey("readOnlyPropagatesToServer");
				// Everything the primary's pool carries but its node's name.
				Map<Object, Object> primaryDriver = new java.util.HashMap<>(primary.getDataSourceProperties());
				primaryDriver.put(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY, "replica-1");
				assertThat(driver).isEqualTo(primaryDriver);
			});
	}

	@Test
	void theConfiguredPrimarysReaderPoolIsConfiguredAsAReplicaPoolWithThePrimarysAddress() {
		withCluster("rwsplit.pool.maximum-pool-size=8", "rwsplit.primary.pool.maximum-pool-size=20",
				"rwsplit.primary.pool.connection-timeout=5s")
			.run((context) -> {
				HikariDataSource replica = (HikariDataSource) router(context).getResolvedDataSources().get("replica-1");
				HikariDataSource reader = primaryAsReplica(context);
				assertThat(reader.getJdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:1/app");
				assertThat(reader.isReadOnly()).isTrue();
				// Sized for reads, like a replica; rwsplit.primary.pool sizes the primary's pool for writes.
				assertThat(reader.getMaximumPoolSize()).isEqualTo(8).isEqualTo(replica.getMaximumPoolSize());
				assertThat(reader.getConnectionTimeout()).isEqualTo(NodePoolFactory.REPLICA_CONNECTION_TIMEOUT_MILLIS);
				Map<Object, Object> driver = Map.copyOf(reader.getDataSourceProperties());
				assertThat(driver).containsEntry("exceptionInterceptors", ReadOnlyRouteExceptionInterceptor.class.getName())
					.containsEntry(ReadOnlyRouteExceptionInterceptor.ROLE_PROPERTY,
							ReadOnlyRouteExceptionInterceptor.REPLICA_ROLE)
					.containsEntry(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY, "primary")
					.containsEntry(ConnectionFailureSignals.ROUTER_PROPERTY, router(context).getId())
					.containsEntry("queryInterceptors", ResponseTimeInterceptor.class.getName())
					.containsEntry("sessionVariables", "transaction_read_only=1")
					.containsEntry("readOnlyPropagatesToServer", "false")
					.doesNotContainKey("trackSessionState")
					.doesNotContainKey("connectionLifecycleInterceptors");
				Map<Object, Object> replicaDriver = new java.util.HashMap<>(replica.getDataSourceProperties());
				replicaDriver.put(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY, "primary");
				assertThat(driver).isEqualTo(replicaDriver);
			});
	}

	@Test
	void theDemotedPrimarysReaderPoolKeepsTheIsolationEveryNodeShares() {
		withCluster("rwsplit.primary.pool.transaction-isolation=TRANSACTION_READ_COMMITTED",
				"rwsplit.replicas.replica-1.pool.transaction-isolation=TRANSACTION_READ_COMMITTED",
				"rwsplit.replicas.replica-2.pool.transaction-isolation=TRANSACTION_READ_COMMITTED")
			.run((context) -> {
				assertThat(primaryAsReplica(context).getTransactionIsolation()).isEqualTo("TRANSACTION_READ_COMMITTED");
				assertThat(writer(context, "replica-1").getTransactionIsolation())
					.isEqualTo("TRANSACTION_READ_COMMITTED");
			});
	}

	@Test
	void rolePoolsLogInWithTheirOwnNodesLoginAndWarnOfDisagreementsOnce(CapturedOutput output) {
		withCluster("rwsplit.primary.username=admin", "rwsplit.primary.password=admin-secret",
				"rwsplit.replicas.replica-1.url=jdbc:mysql://reader:ro-secret@127.0.0.1:2/app",
				"rwsplit.replicas.replica-2.username=writer2")
			.run((context) -> {
				// Credentials in the URL are left to the driver, as on the node's own pool.
				assertThat(writer(context, "replica-1").getUsername()).isNull();
				assertThat(writer(context, "replica-1").getPassword()).isNull();
				assertThat(writer(context, "replica-1").getJdbcUrl())
					.isEqualTo("jdbc:mysql://reader:ro-secret@127.0.0.1:2/app");
				assertThat(writer(context, "replica-2").getUsername()).isEqualTo("writer2");
				assertThat(writer(context, "replica-2").getPassword()).isEqualTo("top-secret");
				assertThat(primaryAsReplica(context).getUsername()).isEqualTo("admin");
				assertThat(primaryAsReplica(context).getPassword()).isEqualTo("admin-secret");
				String warning = "replica 'replica-1' logs in as 'reader' from its URL";
				assertThat(output.getOut().split(Pattern.quote(warning), -1)).hasSize(2);
				assertThat(output).doesNotContain("ro-secret").doesNotContain("admin-secret");
			});
	}

	@Test
	void aWriterPoolStartsAtItsFirstCheckout() {
		withCluster("rwsplit.primary.pool.connection-timeout=250ms").run((context) -> {
			HikariDataSource writer = writer(context, "replica-1");
			// Nothing listens there: the checkout fails, but the pool has started.
			assertThatExceptionOfType(SQLException.class).isThrownBy(writer::getConnection);
			assertThat(writer.isRunning()).isTrue();
			assertThat(writer.getHikariPoolMXBean()).isNotNull();
			assertNotStarted(writer(context, "replica-2"));
		});
	}

	@Test
	void closingTheContextClosesTheRolePools() {
		withCluster().run((context) -> {
			List<HikariDataSource> rolePools = List.of(writer(context, "replica-1"), writer(context, "replica-2"),
					primaryAsReplica(context));
			context.close();
			assertThat(rolePools).allSatisfy((pool) -> assertThat(pool.isClosed()).isTrue());
		});
	}

	@Test
	void withoutFollowPrimaryThereAreNoRolePools() {
		withCluster("rwsplit.topology.follow-primary=false").run((context) -> {
			assertThat(router(context).writerPool("replica-1")).isNull();
			assertThat(router(context).writerPool("replica-2")).isNull();
			assertThat(router(context).readerNode("primary")).isNull();
			assertThat(router(context).writerPool("primary"))
				.isSameAs(router(context).getResolvedDataSources().get("primary"));
		});
	}

	@Test
	void withoutReplicasThereAreNoRolePools() {
		this.runner
			.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app",
					"rwsplit.startup.primary-check-timeout=0")
			.run((context) -> assertThat(router(context).readerNode("primary")).isNull());
	}

	@Test
	void metricsHealthAndTheEndpointLeaveRolePoolsUnstarted() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, RwsplitMonitorAutoConfiguration.class,
					RwsplitMetricsAutoConfiguration.class, RwsplitEndpointAutoConfiguration.class,
					RwsplitHealthAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues(CLUSTER)
			.withPropertyValues("rwsplit.consistency.mode=eventual", "management.endpoints.web.exposure.include=rwsplit")
			.run((context) -> {
				context.getBean(RwsplitMetrics.class).bindTo(new SimpleMeterRegistry());
				context.getBeansOfType(HealthIndicator.class).values().forEach(HealthIndicator::health);
				context.getBean(RwsplitEndpoint.class).rwsplit();
				assertNotStarted(writer(context, "replica-1"));
				assertNotStarted(writer(context, "replica-2"));
				assertNotStarted(primaryAsReplica(context));
			});
	}

	@Test
	void awaitPrimaryTimeoutReachesTheRouter() {
		withCluster().run((context) -> assertThat(awaitPrimary(router(context))).isEqualTo(Duration.ofSeconds(3)));
		withCluster("rwsplit.topology.await-primary-timeout=750ms")
			.run((context) -> assertThat(awaitPrimary(router(context))).isEqualTo(Duration.ofMillis(750)));
		withCluster("rwsplit.topology.await-primary-timeout=0")
			.run((context) -> assertThat(awaitPrimary(router(context))).isZero());
		// Set whether or not writes follow the primary: a primary the monitor finds down is waited for too.
		withCluster("rwsplit.topology.follow-primary=false", "rwsplit.topology.await-primary-timeout=1s")
			.run((context) -> assertThat(awaitPrimary(router(context))).isEqualTo(Duration.ofSeconds(1)));
	}

	@Test
	void aNegativeAwaitPrimaryTimeoutIsReportedByProperty() {
		withCluster("rwsplit.topology.await-primary-timeout=-1s").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription())
				.contains("rwsplit.topology.await-primary-timeout: await-primary timeout PT-1S is negative");
			assertThat(analysis.getAction()).contains("such as 3s").contains("0 to fail new writes at once");
		});
	}

	@Test
	void aMemberUrlTemplateWithoutAHostPlaceholderIsReportedByProperty() {
		withCluster("rwsplit.topology.member-url-template=jdbc:mysql://db:3306/app").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("rwsplit.topology.member-url-template")
				.contains("{host} placeholder");
			assertThat(analysis.getAction()).contains("jdbc:mysql://{host}:{port}/app");
		});
		withCluster("rwsplit.topology.follow-primary=false",
				"rwsplit.topology.member-url-template=jdbc:mysql://{host}:{port}/app")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("members are discovered only while rwsplit follows the primary"));
	}

	@Test
	void aDiscoveredMemberGetsLazyPoolsOwnedByTheRouterAndAnEndpointForTheMonitor() {
		withCluster("rwsplit.topology.member-url-template=jdbc:mysql://{host}:{port}/app?connectTimeout=500")
			.run((context) -> {
				ReadWriteRoutingDataSource router = router(context);
				RwsplitProperties properties = context.getBean(RwsplitProperties.class);
				io.github.rwsplit.monitor.ReplicaLagMonitor.Endpoint endpoint = NodePoolFactory
					.memberDiscovery(properties, router,
							(name, member) -> new io.github.rwsplit.monitor.ReplicaLagMonitor.Endpoint(name,
									member.getUrl(), null, null))
					.discovered("10.0.0.7", 3307);
				assertThat(endpoint.name()).isEqualTo("10.0.0.7-3307");
				assertThat(endpoint.url()).isEqualTo("jdbc:mysql://10.0.0.7:3307/app?connectTimeout=500");
				assertThat(router.nodeNames()).endsWith("10.0.0.7-3307");
				HikariDataSource reader = (HikariDataSource) router.readerNode("10.0.0.7-3307").dataSource();
				HikariDataSource writer = (HikariDataSource) router.writerPool("10.0.0.7-3307");
				assertThat(reader.getPoolName()).isEqualTo("rwsplit-10.0.0.7-3307");
				assertThat(reader.isReadOnly()).isTrue();
				assertThat(writer.getPoolName()).isEqualTo("rwsplit-10.0.0.7-3307-as-primary");
				assertThat(writer.isReadOnly()).isFalse();
				assertNotStarted(reader);
				assertNotStarted(writer);
				assertThat(router.getReplicas()).extracting(ReplicaNode::name).contains("10.0.0.7-3307");
				assertThat(router.view().routeCounts().routes("10.0.0.7-3307")).isEmpty();
				assertThatExceptionOfType(IllegalArgumentException.class)
					.isThrownBy(() -> router.addDiscoveredNode(router.readerNode("10.0.0.7-3307"), null))
					.withMessageContaining("exists already");
				context.close();
				assertThat(reader.isClosed()).isTrue();
				assertThat(writer.isClosed()).isTrue();
			});
	}

	@Test
	void noTemplateDiscoversNothing() {
		withCluster().run((context) -> assertThat(NodePoolFactory.memberDiscovery(
				context.getBean(RwsplitProperties.class), router(context), (name, member) -> null)).isNull());
	}

	@Test
	void anUnsetAwaitPrimaryTimeoutIsReportedByProperty() {
		// Binding leaves the default for an empty value; only code can unset it.
		RwsplitProperties.Topology topology = new RwsplitProperties.Topology();
		topology.setAwaitPrimaryTimeout(null);
		assertThatExceptionOfType(io.github.rwsplit.RwsplitConfigurationException.class)
			.isThrownBy(() -> RwsplitPropertiesValidator.validateTopology(topology))
			.withMessageContaining("rwsplit.topology.await-primary-timeout");
	}

	/**
	 * The router keeps its settings to itself; read the one under test rather than widen its API
	 * for a test.
	 */
	private static Duration awaitPrimary(ReadWriteRoutingDataSource router) throws ReflectiveOperationException {
		Field settings = ReadWriteRoutingDataSource.class.getDeclaredField("settings");
		settings.setAccessible(true);
		Object current = settings.get(router);
		Method nanos = current.getClass().getDeclaredMethod("awaitPrimaryNanos");
		nanos.setAccessible(true);
		return Duration.ofNanos((long) nanos.invoke(current));
	}

}
