package io.github.rwsplit.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code rwsplit} health is DOWN exactly while writes have no writable primary, says which
 * node is the primary once it moved, and stays UP with replicas out of rotation. Snapshots are
 * built by hand: no monitor runs.
 */
class RwsplitHealthIndicatorTests {

	private static final Instant AT = Instant.parse("2026-12-02T00:44:55.120Z");

	private static final MonitorSnapshot.PrimaryChange SWITCHOVER = new MonitorSnapshot.PrimaryChange("primary",
			"replica-1", "'primary' is read-only (super_read_only=ON); 'replica-1' is writable", AT);

	private static Health health(MonitorSnapshot snapshot) {
		return new RwsplitHealthIndicator(() -> snapshot, null).health();
	}

	private static ReplicaHealth replica(String name, ReplicaState state, String reason) {
		return new ReplicaHealth(name, state, reason, 0, AT, 0, null);
	}

	@Test
	void upWithTheConfiguredPrimaryShowsNoChange() {
		Health health = health(new MonitorSnapshot(LagSource.GTID, "primary", null,
				List.of(replica("replica-1", ReplicaState.HEALTHY, ""))));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("primary", "UP")
			.containsEntry("primaryStatus", "UP")
			.containsEntry("primaryChanges", 0L)
			.doesNotContainKey("lastPrimaryChange");
	}

	@Test
	void afterASwitchoverNamesTheNewPrimaryAndTheChange() {
		Health health = health(new MonitorSnapshot(LagSource.GTID, "replica-1", null,
				List.of(replica("primary", ReplicaState.HEALTHY, ""), replica("replica-2", ReplicaState.HEALTHY, "")),
				PrimaryStatus.UP, 1, SWITCHOVER));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails())
			.containsEntry("primary", "'replica-1' UP (primary since 2026-12-02T00:44:55.120Z, was 'primary')")
			.containsEntry("primaryChanges", 1L)
			.containsEntry("lastPrimaryChange",
					"'primary' -> 'replica-1' at 2026-12-02T00:44:55.120Z: 'primary' is read-only (super_read_only=ON);"
							+ " 'replica-1' is writable")
			.containsEntry("replicasInRotation", 2)
			.containsEntry("degraded", false);
	}

	@Test
	void isDownWhileNoNodeIsWritableWithTheStatusAndReason() {
		Health health = health(new MonitorSnapshot(LagSource.GTID, "replica-1", "no node is writable",
				List.of(replica("primary", ReplicaState.HEALTHY, "")), PrimaryStatus.CHANGING, 1, SWITCHOVER));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("primary", "'replica-1' CHANGING: no node is writable")
			.containsEntry("primaryStatus", "CHANGING");
	}

	@Test
	void isDownInASplitBrain() {
		Health health = health(new MonitorSnapshot(LagSource.GTID, "primary", "'primary' and 'replica-1' are both writable",
				List.of(replica("replica-1", ReplicaState.HEALTHY, "")), PrimaryStatus.SPLIT_BRAIN, 0, null));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails())
			.containsEntry("primary", "SPLIT_BRAIN: 'primary' and 'replica-1' are both writable")
			.containsEntry("primaryStatus", "SPLIT_BRAIN");
	}

	@Test
	void isDownWhileThePrimaryDoesNotAnswer() {
		Health health = health(new MonitorSnapshot(LagSource.GTID, "primary", "unreachable: Connection refused",
				List.of(replica("replica-1", ReplicaState.HEALTHY, ""))));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("primary", "DOWN: unreachable: Connection refused")
			.containsEntry("primaryStatus", "DOWN");
	}

	@Test
	void theOldPrimaryDownAfterAFailoverLeavesTheApplicationUpAndDegraded() {
		Health health = health(new MonitorSnapshot(LagSource.GTID, "replica-1", null,
				List.of(replica("primary", ReplicaState.DOWN, "unreachable: Connection refused"),
						replica("replica-2", ReplicaState.HEALTHY, "")),
				PrimaryStatus.UP, 1, SWITCHOVER));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("degraded", true)
			.containsEntry("excluded", Map.of("primary", "DOWN: unreachable: Connection refused"));
	}

}
