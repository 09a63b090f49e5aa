package io.github.rwsplit.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import io.github.rwsplit.actuate.RwsplitEndpoint.NodeDescriptor;
import io.github.rwsplit.actuate.RwsplitEndpoint.RotationAction;
import io.github.rwsplit.actuate.RwsplitEndpoint.RwsplitDescriptor;
import io.github.rwsplit.actuate.RwsplitEndpoint.TopologyDescriptor;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The endpoint shows roles as the monitor sees them now, not as configured: after a switchover
 * the configured replica {@code replica-1} is the primary and the configured primary serves reads.
 * The monitor is never started; each test gives the snapshot it would have published. Pools are
 * HikariCP pools that are never started, each with its own URL, so the test can tell which pool a
 * node is shown with.
 */
class RwsplitEndpointTopologyTests {

	private static final Instant SWITCHED_AT = Instant.parse("2026-12-02T00:44:55.120Z");

	private static final String SWITCH_REASON = "'primary' is read-only (super_read_only=ON); 'replica-1' is writable";

	private final HikariDataSource primaryWrites = pool("primary", "writes");

	private final HikariDataSource primaryReads = pool("primary", "reads");

	private final HikariDataSource replica1Reads = pool("replica-1", "reads");

	private final HikariDataSource replica1Writes = pool("replica-1", "writes");

	private final HikariDataSource replica2Reads = pool("replica-2", "reads");

	private final ReadWriteRoutingDataSource router;

	private volatile MonitorSnapshot snapshot;

	private final RwsplitEndpoint endpoint;

	RwsplitEndpointTopologyTests() {
		List<ReplicaNode> replicas = List.of(new ReplicaNode("replica-1", "default", 1, this.replica1Reads, () -> 0),
				new ReplicaNode("replica-2", "default", 2, this.replica2Reads, () -> 0));
		this.router = new ReadWriteRoutingDataSource("primary", this.primaryWrites, replicas,
				new RoutingTopology("primary", "default", replicas), new RoundRobinReplicaSelector());
		this.router.setRolePools(Map.of("replica-1", this.replica1Writes),
				Map.of("primary", new ReplicaNode("primary", "default", 1, this.primaryReads, () -> 0)));
		this.snapshot = new MonitorSnapshot(LagSource.GTID, "primary", null,
				List.of(healthy("replica-1"), healthy("replica-2")));
		this.endpoint = new RwsplitEndpoint(this.router, monitorShowing(this.router, () -> this.snapshot));
	}

	@AfterEach
	void closePools() {
		List.of(this.primaryWrites, this.primaryReads, this.replica1Reads, this.replica1Writes, this.replica2Reads)
			.forEach(HikariDataSource::close);
	}

	@Test
	void showsTheConfiguredPrimaryAsThePrimaryUntilItMoves() {
		TopologyDescriptor topology = this.endpoint.rwsplit().topology();
		assertThat(topology.primary()).isEqualTo("primary");
		assertThat(topology.primaryStatus()).isEqualTo("UP");
		assertThat(topology.primaryReason()).isEmpty();
		assertThat(topology.replicas()).containsExactly("replica-1", "replica-2");
		assertThat(topology.configuredPrimary()).as("shown only when it differs").isNull();
		assertThat(topology.primaryChanges()).isZero();
		assertThat(topology.lastPrimaryChange()).isNull();
		assertThat(this.endpoint.rwsplit().nodes()).extracting(NodeDescriptor::name, NodeDescriptor::role)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("primary", "primary"),
					org.assertj.core.groups.Tuple.tuple("replica-1", "replica"),
					org.assertj.core.groups.Tuple.tuple("replica-2", "replica"));
	}

	@Test
	void afterASwitchoverShowsEachNodeByTheRoleItHasNow() {
		switchedOver();
		RwsplitDescriptor descriptor = this.endpoint.rwsplit();
		TopologyDescriptor topology = descriptor.topology();
		assertThat(topology.primary()).isEqualTo("replica-1");
		assertThat(topology.primaryStatus()).isEqualTo("UP");
		assertThat(topology.replicas()).containsExactly("primary", "replica-2");
		assertThat(topology.configuredPrimary()).isEqualTo("primary");
		assertThat(topology.primaryChanges()).isEqualTo(1);
		assertThat(topology.lastPrimaryChange())
			.isEqualTo(new RwsplitEndpoint.PrimaryChangeDescriptor("primary", "replica-1", SWITCH_REASON, SWITCHED_AT));
		assertThat(descriptor.nodes()).extracting(NodeDescriptor::name)
			.as("each node once, the primary first")
			.containsExactly("replica-1", "primary", "replica-2");
		NodeDescriptor primary = this.endpoint.node("replica-1");
		assertThat(primary.role()).isEqualTo("primary");
		assertThat(primary.state()).isEqualTo("UP");
		assertThat(primary.group()).isNull();
		assertThat(primary.lagSeconds()).isNull();
		NodeDescriptor demoted = this.endpoint.node("primary");
		assertThat(demoted.role()).isEqualTo("replica");
		assertThat(demoted.state()).isEqualTo("HEALTHY");
		assertThat(demoted.group()).isEqualTo("default");
		assertThat(demoted.lagSeconds()).isEqualTo(0.25);
	}

	@Test
	void showsEachNodeWithThePoolOfTheRoleItHasNow() {
		assertThat(this.endpoint.node("primary").url()).endsWith("?role=writes");
		assertThat(this.endpoint.node("replica-1").url()).endsWith("?role=reads");
		switchedOver();
		assertThat(this.endpoint.node("replica-1").url()).isEqualTo("jdbc:mysql://replica-1:3306/app?role=writes");
		assertThat(this.endpoint.node("primary").url()).isEqualTo("jdbc:mysql://primary:3306/app?role=reads");
		assertThat(this.endpoint.node("replica-2").url()).isEqualTo("jdbc:mysql://replica-2:3306/app?role=reads");
	}

	@Test
	void showsTheStatusAndReasonWhileNoNodeIsWritable() {
		String reason = "no node is writable: 'primary' is read-only (super_read_only=ON)";
		this.snapshot = new MonitorSnapshot(LagSource.GTID, "primary", reason,
				List.of(healthy("replica-1"), healthy("replica-2")), PrimaryStatus.CHANGING, 0, null);
		TopologyDescriptor topology = this.endpoint.rwsplit().topology();
		assertThat(topology.primaryStatus()).isEqualTo("CHANGING");
		assertThat(topology.primaryReason()).isEqualTo(reason);
		NodeDescriptor primary = this.endpoint.node("primary");
		assertThat(primary.state()).isEqualTo("CHANGING");
		assertThat(primary.reason()).isEqualTo(reason);
	}

	@Test
	void showsASplitBrainAsThePrimarysStatus() {
		String reason = "'primary' and 'replica-1' are both writable";
		this.snapshot = new MonitorSnapshot(LagSource.GTID, "primary", reason,
				List.of(healthy("replica-1"), healthy("replica-2")), PrimaryStatus.SPLIT_BRAIN, 0, null);
		assertThat(this.endpoint.rwsplit().topology().primaryStatus()).isEqualTo("SPLIT_BRAIN");
		assertThat(this.endpoint.node("primary").reason()).isEqualTo(reason);
	}

	@Test
	void withoutTheMonitorShowsTheRoutersPrimary() {
		RwsplitEndpoint unmonitored = new RwsplitEndpoint(this.router, null);
		TopologyDescriptor topology = unmonitored.rwsplit().topology();
		assertThat(topology.primary()).isEqualTo("primary");
		assertThat(topology.primaryStatus()).isEqualTo("UP");
		assertThat(topology.primaryChanges()).isZero();
		assertThat(unmonitored.node("replica-1").state()).isEqualTo("UNMONITORED");
	}

	@Test
	void theCurrentPrimaryCannotBeDrainedButTheDemotedConfiguredPrimaryCounts() {
		switchedOver();
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.changeRotation("replica-1", RotationAction.DRAIN, true))
			.withMessageContaining("'replica-1' is the primary");
		// 'primary' serves the group's reads next to replica-2, so replica-2 is not the last one.
		assertThatNoException().isThrownBy(() -> this.endpoint.changeRotation("replica-2", RotationAction.DRAIN, null));
	}

	@Test
	void theNewPrimaryDoesNotCountAsAReplicaOfItsGroup() {
		switchedOver();
		this.snapshot = new MonitorSnapshot(LagSource.GTID, "replica-1", null,
				List.of(new ReplicaHealth("primary", ReplicaState.DOWN, "unreachable", -1, null, 0, null),
						healthy("replica-2")),
				PrimaryStatus.UP, 1, this.snapshot.lastPrimaryChange());
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.changeRotation("replica-2", RotationAction.DRAIN, null))
			.withMessageContaining("'replica-2' is the last replica in rotation of group 'default'");
	}

	private void switchedOver() {
		this.router.setTopology(new RoutingTopology("replica-1", "default",
				List.of(this.router.readerNode("primary"), this.router.readerNode("replica-2"))));
		this.snapshot = new MonitorSnapshot(LagSource.GTID, "replica-1", null,
				List.of(new ReplicaHealth("primary", ReplicaState.HEALTHY, "", 250_000_000L, SWITCHED_AT, 0, null),
						healthy("replica-2")),
				PrimaryStatus.UP, 1, new MonitorSnapshot.PrimaryChange("primary", "replica-1", SWITCH_REASON, SWITCHED_AT));
	}

	private static ReplicaHealth healthy(String name) {
		return new ReplicaHealth(name, ReplicaState.HEALTHY, "", 0, SWITCHED_AT, 0, null);
	}

	private static HikariDataSource pool(String node, String role) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName("rwsplit-" + node + "-" + role);
		pool.setJdbcUrl("jdbc:mysql://" + node + ":3306/app?role=" + role);
		return pool;
	}

	/** A monitor that is never started and reports the given snapshot. */
	static ReplicaLagMonitor monitorShowing(ReadWriteRoutingDataSource router, Supplier<MonitorSnapshot> snapshot) {
		return new ReplicaLagMonitor(router,
				new ReplicaLagMonitor.Endpoint(router.configuredPrimary(), "jdbc:mysql://127.0.0.1:1/app", null, null),
				router.getReplicas()
					.stream()
					.map((replica) -> new ReplicaLagMonitor.Endpoint(replica.name(), "jdbc:mysql://127.0.0.1:1/app", null,
							null))
					.toList(),
				new MonitorSettings(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(250),
						new HealthThresholds(Duration.ofSeconds(1), Duration.ofMillis(500), 3), LagSource.GTID, "hb",
						false)) {

			@Override
			public MonitorSnapshot snapshot() {
				return snapshot.get();
			}

		};
	}

}
