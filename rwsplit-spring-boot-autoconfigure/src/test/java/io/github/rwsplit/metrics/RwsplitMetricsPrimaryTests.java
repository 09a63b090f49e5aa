package io.github.rwsplit.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.monitor.HealthThresholds;
import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.monitor.MonitorSettings;
import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The primary's meters follow the monitor's snapshot as it moves the primary: the count of moves,
 * up only while a node is writable, the status as a code, and which node it is. Per-node meters
 * exist for every node whatever role it had at binding. The monitor is never started; each test
 * sets the snapshot it would have published.
 */
class RwsplitMetricsPrimaryTests {

	private static final Instant AT = Instant.parse("2026-12-02T00:44:55.120Z");

	private final ReadWriteRoutingDataSource router;

	private volatile MonitorSnapshot snapshot;

	private final ReplicaLagMonitor monitor;

	RwsplitMetricsPrimaryTests() {
		List<ReplicaNode> replicas = List.of(reader("replica-1"), reader("replica-2"));
		this.router = new ReadWriteRoutingDataSource("primary", new StubDataSource("primary"), replicas,
				new RoutingTopology("primary", "default", replicas), new RoundRobinReplicaSelector());
		this.router.setRolePools(Map.of("replica-1", new StubDataSource("replica-1")), Map.of("primary", reader("primary")));
		this.snapshot = new MonitorSnapshot(LagSource.GTID, "primary", null,
				List.of(health("replica-1", 0.5), health("replica-2", 0.5)));
		this.monitor = new ReplicaLagMonitor(this.router,
				new ReplicaLagMonitor.Endpoint("primary", "jdbc:mysql://127.0.0.1:1/app", null, null),
				replicas.stream()
					.map((r) -> new ReplicaLagMonitor.Endpoint(r.name(), "jdbc:mysql://127.0.0.1:1/app", null, null))
					.toList(),
				new MonitorSettings(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(250),
						new HealthThresholds(Duration.ofSeconds(1), Duration.ofMillis(500), 3), LagSource.GTID, "hb",
						false)) {

			@Override
			public MonitorSnapshot snapshot() {
				return RwsplitMetricsPrimaryTests.this.snapshot;
			}

		};
	}

	private static ReplicaNode reader(String name) {
		return new ReplicaNode(name, "default", 1, new StubDataSource(name), () -> 0);
	}

	private static ReplicaHealth health(String name, double lagSeconds) {
		return new ReplicaHealth(name, ReplicaState.HEALTHY, "", (long) (lagSeconds * 1e9), AT, 0, null);
	}

	private MeterRegistry bound() {
		MeterRegistry registry = new SimpleMeterRegistry();
		new RwsplitMetrics(this.router, this.monitor, List.of()).bindTo(registry);
		return registry;
	}

	private void switchedOver() {
		this.snapshot = new MonitorSnapshot(LagSource.GTID, "replica-1", null,
				List.of(health("primary", 0.25), health("replica-2", 0.5)), PrimaryStatus.UP, 1,
				new MonitorSnapshot.PrimaryChange("primary", "replica-1", "'primary' is read-only", AT));
	}

	private static double gauge(MeterRegistry registry, String name, String... tags) {
		return registry.get(name).tags(tags).gauge().value();
	}

	@Test
	void countsPrimaryChangesAndNamesTheNewPrimary() {
		MeterRegistry registry = bound();
		assertThat(registry.get(RwsplitMetrics.PRIMARY_CHANGES).functionCounter().count()).isZero();
		assertThat(gauge(registry, RwsplitMetrics.PRIMARY_NODE, "node", "primary")).isEqualTo(1);
		assertThat(gauge(registry, RwsplitMetrics.PRIMARY_NODE, "node", "replica-1")).isZero();
		switchedOver();
		assertThat(registry.get(RwsplitMetrics.PRIMARY_CHANGES).functionCounter().count()).isEqualTo(1);
		assertThat(gauge(registry, RwsplitMetrics.PRIMARY_UP)).isEqualTo(1);
		assertThat(gauge(registry, RwsplitMetrics.PRIMARY_STATUS)).isZero();
		assertThat(gauge(registry, RwsplitMetrics.PRIMARY_NODE, "node", "primary")).isZero();
		assertThat(gauge(registry, RwsplitMetrics.PRIMARY_NODE, "node", "replica-1")).isEqualTo(1);
		assertThat(gauge(registry, RwsplitMetrics.PRIMARY_NODE, "node", "replica-2")).isZero();
	}

	@Test
	void primaryIsUpOnlyWhileANodeIsWritable() {
		MeterRegistry registry = bound();
		assertThat(gauge(registry, RwsplitMetrics.PRIMARY_UP)).isEqualTo(1);
		assertThat(gauge(registry, RwsplitMetrics.PRIMARY_STATUS)).isZero();
		Map<PrimaryStatus, Double> codes = Map.of(PrimaryStatus.DOWN, 1.0, PrimaryStatus.CHANGING, 2.0,
				PrimaryStatus.SPLIT_BRAIN, 3.0);
		codes.forEach((status, code) -> {
			this.snapshot = new MonitorSnapshot(LagSource.GTID, "primary", "why: " + status,
					List.of(health("replica-1", 0.5), health("replica-2", 0.5)), status, 0, null);
			assertThat(gauge(registry, RwsplitMetrics.PRIMARY_UP)).as(status.name()).isZero();
			assertThat(gauge(registry, RwsplitMetrics.PRIMARY_STATUS)).as(status.name()).isEqualTo(code);
			assertThat(gauge(registry, RwsplitMetrics.PRIMARY_NODE, "node", "primary"))
				.as("no node takes writes while " + status)
				.isZero();
		});
	}

	@Test
	void everyNodeThatCanServeReadsHasReplicaGaugesNaNWhileItIsThePrimary() {
		MeterRegistry registry = bound();
		assertThat(gauge(registry, RwsplitMetrics.REPLICA_LAG, "replica", "primary")).isNaN();
		assertThat(gauge(registry, RwsplitMetrics.REPLICA_STATE, "replica", "primary")).isNaN();
		assertThat(gauge(registry, RwsplitMetrics.REPLICA_LAG, "replica", "replica-1")).isEqualTo(0.5);
		switchedOver();
		assertThat(gauge(registry, RwsplitMetrics.REPLICA_LAG, "replica", "primary")).isEqualTo(0.25);
		assertThat(gauge(registry, RwsplitMetrics.REPLICA_STATE, "replica", "primary")).isZero();
		assertThat(gauge(registry, RwsplitMetrics.REPLICA_LAG, "replica", "replica-1")).isNaN();
		assertThat(gauge(registry, RwsplitMetrics.REPLICA_STATE, "replica", "replica-1")).isNaN();
		assertThat(registry.get(RwsplitMetrics.REPLICA_RESPONSE_TIME).tag("replica", "primary").gauge()).isNotNull();
		assertThat(registry.get(RwsplitMetrics.READ_RETRIES).tags("replica", "primary", "outcome", "failed")
			.functionCounter()).isNotNull();
	}

	@Test
	void routeCountersCarryTheConfiguredRoleEvenWhenThePrimaryMovedBeforeBinding() {
		this.router.setTopology(new RoutingTopology("replica-1", "default",
				List.of(this.router.readerNode("primary"), this.router.readerNode("replica-2"))));
		switchedOver();
		MeterRegistry registry = bound();
		assertThat(registry.find(RwsplitMetrics.ROUTE).tags("node", "primary", "role", "primary").functionCounters())
			.isNotEmpty();
		assertThat(registry.find(RwsplitMetrics.ROUTE).tags("node", "replica-1", "role", "replica").functionCounters())
			.isNotEmpty();
		assertThat(registry.find(RwsplitMetrics.ROUTE).tags("node", "replica-1", "role", "primary").functionCounters())
			.as("one series per node and reason")
			.isEmpty();
	}

	@Test
	void withoutFollowingThePrimaryTheConfiguredPrimaryHasNoReplicaGauges() {
		List<ReplicaNode> replicas = List.of(reader("replica-1"));
		ReadWriteRoutingDataSource fixed = new ReadWriteRoutingDataSource("primary", new StubDataSource("primary"),
				replicas, new RoutingTopology("primary", "default", replicas), new RoundRobinReplicaSelector());
		MeterRegistry registry = new SimpleMeterRegistry();
		new RwsplitMetrics(fixed, null, List.of()).bindTo(registry);
		assertThat(registry.find(RwsplitMetrics.REPLICA_RESPONSE_TIME).tag("replica", "primary").gauge()).isNull();
		assertThat(registry.find(RwsplitMetrics.REPLICA_RESPONSE_TIME).tag("replica", "replica-1").gauge()).isNotNull();
	}

}
