package io.github.rwsplit.actuate;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;

import io.github.rwsplit.actuate.RwsplitEndpoint.RotationAction;
import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.monitor.HealthThresholds;
import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.monitor.MonitorSettings;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The operator's controls: read-only unless granted, an enum action, and no draining of a group's
 * last replica in rotation without {@code force}. The monitor is never started, so every replica
 * stays in rotation until drained.
 */
class RwsplitEndpointTests {

	private final ReadWriteRoutingDataSource router;

	private final ReplicaLagMonitor monitor;

	private final RwsplitEndpoint endpoint;

	RwsplitEndpointTests() {
		List<ReplicaNode> replicas = List.of(replica("eu-1", "eu"), replica("eu-2", "eu"), replica("us-1", "us"));
		this.router = new ReadWriteRoutingDataSource("primary", new StubDataSource("primary", null), replicas,
				new RoutingTopology("primary", "eu", replicas), new RoundRobinReplicaSelector());
		this.monitor = new ReplicaLagMonitor(this.router,
				new ReplicaLagMonitor.Endpoint("primary", "jdbc:mysql://127.0.0.1:1/app", null, null),
				replicas.stream()
					.map((r) -> new ReplicaLagMonitor.Endpoint(r.name(), "jdbc:mysql://127.0.0.1:1/app", null, null))
					.toList(),
				new MonitorSettings(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(250),
						new HealthThresholds(Duration.ofSeconds(1), Duration.ofMillis(500), 3), LagSource.GTID, "hb",
						false));
		this.endpoint = new RwsplitEndpoint(this.router, this.monitor);
	}

	private static ReplicaNode replica(String name, String group) {
		DataSource dataSource = new StubDataSource(name, null);
		return new ReplicaNode(name, group, 1, dataSource, () -> 0);
	}

	@Test
	void writeAccessIsOffUnlessTheApplicationGrantsIt() {
		assertThat(RwsplitEndpoint.class.getAnnotation(Endpoint.class).defaultAccess()).isEqualTo(Access.READ_ONLY);
	}

	@Test
	void responsesAreOperationResponseBodies() {
		assertThat(this.endpoint.rwsplit()).isInstanceOf(OperationResponseBody.class);
		assertThat(this.endpoint.node("eu-1")).isInstanceOf(OperationResponseBody.class);
	}

	@Test
	void drainsAReplicaWhileItsGroupKeepsAnother() {
		assertThat(this.endpoint.changeRotation("eu-1", RotationAction.DRAIN, null).state()).isEqualTo("DRAINED");
		assertThat(this.monitor.snapshot().replica("eu-1").state()).isEqualTo(ReplicaState.DRAINED);
		assertThat(this.endpoint.changeRotation("eu-1", RotationAction.UNDRAIN, null).state()).isEqualTo("LAGGING");
	}

	@Test
	void refusesToDrainTheLastReplicaInRotationOfAGroupUnlessForced() {
		this.endpoint.changeRotation("eu-1", RotationAction.DRAIN, null);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.changeRotation("eu-2", RotationAction.DRAIN, false))
			.withMessageContaining("'eu-2' is the last replica in rotation of group 'eu'")
			.withMessageContaining("\"force\": true")
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(ex.getMessage()));
		assertThat(this.monitor.snapshot().replica("eu-2").state()).isEqualTo(ReplicaState.HEALTHY);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.changeRotation("us-1", RotationAction.DRAIN, null))
			.withMessageContaining("group 'us'");
		assertThat(this.endpoint.changeRotation("eu-2", RotationAction.DRAIN, true).state()).isEqualTo("DRAINED");
		// Draining a replica already out of rotation changes nothing for reads: no force needed.
		assertThat(this.endpoint.changeRotation("eu-2", RotationAction.DRAIN, null).state()).isEqualTo("DRAINED");
	}

	@Test
	void thePrimaryAndUnknownNodesAreRejectedWithAReason() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.changeRotation("primary", RotationAction.DRAIN, true))
			.withMessageContaining("is the primary");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.changeRotation("nowhere", RotationAction.DRAIN, true))
			.withMessageContaining("No replica named 'nowhere'");
	}

}
