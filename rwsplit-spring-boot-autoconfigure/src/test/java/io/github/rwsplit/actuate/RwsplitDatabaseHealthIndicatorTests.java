package io.github.rwsplit.actuate;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code db} health follows the primary alone, from the snapshot it is given: the node the
 * monitor follows now, UP only while it is writable.
 */
class RwsplitDatabaseHealthIndicatorTests {

	private static final ReplicaHealth HEALTHY = ReplicaHealth.unchecked("replica-2");

	private static final ReplicaHealth DEAD = new ReplicaHealth("replica-1", io.github.rwsplit.monitor.ReplicaState.DOWN,
			"unreachable: Communications link failure", -1, null, 0, null);

	@Test
	void deadReplicaLeavesTheDatabaseUp() {
		Health health = new RwsplitDatabaseHealthIndicator(
				() -> new MonitorSnapshot(LagSource.GTID, "primary", null, List.of(DEAD, HEALTHY)))
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("primary", "UP").containsEntry("replicasInRotation", "1 of 2");
	}

	@Test
	void deadPrimaryMakesTheDatabaseDownWithTheReason() {
		Health health = new RwsplitDatabaseHealthIndicator(
				() -> new MonitorSnapshot(LagSource.GTID, "primary", "unreachable: Connection refused", List.of(HEALTHY)))
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("primary", "DOWN: unreachable: Connection refused");
	}

	@Test
	void noWritableNodeMakesTheDatabaseDownWithTheStatusAndReason() {
		Health health = new RwsplitDatabaseHealthIndicator(() -> new MonitorSnapshot(LagSource.GTID, "primary",
				"no node is writable: 'primary' is read-only", List.of(HEALTHY), PrimaryStatus.CHANGING, 0, null))
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("primary", "CHANGING: no node is writable: 'primary' is read-only");
	}

	@Test
	void splitBrainMakesTheDatabaseDown() {
		Health health = new RwsplitDatabaseHealthIndicator(() -> new MonitorSnapshot(LagSource.GTID, "primary",
				"'primary' and 'replica-2' are both writable", List.of(HEALTHY), PrimaryStatus.SPLIT_BRAIN, 0, null))
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("primary", "SPLIT_BRAIN: 'primary' and 'replica-2' are both writable");
	}

	@Test
	void aNewPrimaryKeepsTheDatabaseUpAndIsNamed() {
		Instant at = Instant.parse("2026-12-02T00:44:55.120Z");
		ReplicaHealth demoted = new ReplicaHealth("primary", io.github.rwsplit.monitor.ReplicaState.HEALTHY, "", 0, at,
				0, null);
		Health health = new RwsplitDatabaseHealthIndicator(() -> new MonitorSnapshot(LagSource.GTID, "replica-1", null,
				List.of(demoted, HEALTHY), PrimaryStatus.UP, 1,
				new MonitorSnapshot.PrimaryChange("primary", "replica-1", "'primary' is read-only", at)))
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails())
			.containsEntry("primary", "'replica-1' UP (primary since 2026-12-02T00:44:55.120Z, was 'primary')")
			.containsEntry("replicasInRotation", "2 of 2");
	}

}
