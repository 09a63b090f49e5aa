package io.github.rwsplit.actuate;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code db} health follows the primary alone, from the snapshot it is given.
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

}
