package io.github.rwsplit.monitor;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.monitor.PrimaryTracker.Decision;
import io.github.rwsplit.monitor.PrimaryTracker.Observation;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules that decide the primary from observed roles, with the clock in the test's hands: every
 * observation says when its check started and when it read the role.
 */
class PrimaryTrackerTests {

	private static final NodeRole WRITABLE = new NodeRole(false, false, false, null, null);

	private static final NodeRole READ_ONLY_REPLICA = new NodeRole(true, true, true, null, null);

	private static final NodeRole READ_ONLY_DETACHED = new NodeRole(true, true, false, null, null);

	/** A replica without read_only: writable, but it replicates, so it is no primary. */
	private static final NodeRole WRITABLE_REPLICA = new NodeRole(false, false, true, null, null);

	private final PrimaryTracker tracker = new PrimaryTracker("primary");

	private long clock = 1_000;

	private Decision see(String node, NodeRole role) {
		long started = this.clock++;
		return this.tracker.observe(node, Observation.of(role, started, this.clock++));
	}

	@Test
	void theConfiguredPrimaryIsTheFirstBelief() {
		assertThat(this.tracker.last().primary()).isEqualTo("primary");
		assertThat(see("primary", WRITABLE).status()).isEqualTo(PrimaryStatus.UP);
		assertThat(see("replica-1", READ_ONLY_REPLICA).primary()).isEqualTo("primary");
		assertThat(see("replica-2", WRITABLE_REPLICA).status()).as("a writable replica is not a second primary")
			.isEqualTo(PrimaryStatus.UP);
	}

	@Test
	void aPlannedSwitchoverMovesThePrimaryOnlyOnceTheOldOneIsReadOnly() {
		see("primary", WRITABLE);
		see("replica-1", READ_ONLY_REPLICA);
		Decision changing = see("primary", READ_ONLY_DETACHED);
		assertThat(changing.status()).isEqualTo(PrimaryStatus.CHANGING);
		assertThat(changing.reason()).contains("'primary' is super_read_only").contains("no other node is writable");
		Decision moved = see("replica-1", WRITABLE);
		assertThat(moved.primary()).isEqualTo("replica-1");
		assertThat(moved.status()).isEqualTo(PrimaryStatus.UP);
		assertThat(moved.movedFrom()).isEqualTo("primary");
		assertThat(moved.moveReason()).contains("'primary' is super_read_only").contains("'replica-1' is writable");
		assertThat(see("primary", READ_ONLY_REPLICA).primary()).isEqualTo("replica-1");
	}

	@Test
	void aNewPrimarySeenBeforeTheOldOnesReadOnlyFlagIsConfirmedByARecheckNotTakenOnTrust() {
		see("primary", WRITABLE);
		// The old primary's last check (writable) predates the switchover; the new one is seen first.
		Decision both = see("replica-1", WRITABLE);
		assertThat(both.status()).isEqualTo(PrimaryStatus.CHANGING);
		assertThat(both.recheck()).isEqualTo("primary");
		assertThat(both.primary()).isEqualTo("primary");
		Decision confirming = see("primary", READ_ONLY_DETACHED);
		assertThat(confirming.status()).as("the new one's sighting predates this one").isEqualTo(PrimaryStatus.CHANGING);
		assertThat(confirming.recheck()).isEqualTo("replica-1");
		Decision moved = see("replica-1", WRITABLE);
		assertThat(moved.primary()).isEqualTo("replica-1");
		assertThat(moved.status()).isEqualTo(PrimaryStatus.UP);
	}

	@Test
	void aNodeThatWasWritableOnlyForAMomentIsNotTakenForTheNewPrimary() {
		see("primary", WRITABLE);
		see("replica-1", WRITABLE);
		see("replica-1", READ_ONLY_REPLICA);
		// An aborted promotion of replica-2, seen writable, then the primary turns read-only.
		see("replica-2", WRITABLE);
		Decision changing = see("primary", READ_ONLY_DETACHED);
		assertThat(changing.primary()).isEqualTo("primary");
		assertThat(changing.recheck()).isEqualTo("replica-2");
		Decision stillNone = see("replica-2", READ_ONLY_REPLICA);
		assertThat(stillNone.status()).isEqualTo(PrimaryStatus.CHANGING);
		assertThat(stillNone.primary()).isEqualTo("primary");
	}

	@Test
	void withoutPerformanceSchemaAWritableReplicaNeverStopsWrites() {
		NodeRole flagsWritable = new NodeRole(false, false, false, null, null, null, false, 0, 0);
		NodeRole flagsReadOnly = new NodeRole(true, true, false, null, null, null, false, 0, 0);
		see("primary", flagsWritable);
		see("replica-1", flagsWritable);
		assertThat(see("primary", flagsWritable).status()).isEqualTo(PrimaryStatus.UP);
		assertThat(see("replica-1", flagsWritable).status()).isEqualTo(PrimaryStatus.UP);
		// A read-only primary and one writable node is a switchover, flags or not.
		see("replica-1", flagsReadOnly);
		see("primary", flagsReadOnly);
		assertThat(see("replica-1", flagsWritable).primary()).isEqualTo("replica-1");
	}

	@Test
	void aNodeWithoutAPoolForWritesIsNeverMadeThePrimary() {
		PrimaryTracker tracker = new PrimaryTracker("primary", (node) -> !node.equals("replica-1"));
		tracker.observe("primary", Observation.of(READ_ONLY_DETACHED, 1, 2));
		Decision decision = tracker.observe("replica-1", Observation.of(WRITABLE, 3, 4));
		assertThat(decision.primary()).isEqualTo("primary");
		assertThat(decision.status()).isEqualTo(PrimaryStatus.CHANGING);
		assertThat(decision.reason()).contains("no pool for writes");
	}

	@Test
	void aGroupPrimaryWithoutQuorumIsNoCandidate() {
		assertThat(new NodeRole(false, false, false, "ONLINE", "PRIMARY", "u", true, 1, 3).primaryCandidate()).isFalse();
		assertThat(new NodeRole(false, false, false, "ONLINE", "PRIMARY", "u", true, 2, 3).primaryCandidate()).isTrue();
	}

	@Test
	void aReplicaWhoseSourceDiedIsStillAReplica() {
		// CONNECTING counts as replicating: a writable replica retrying its dead source is no primary.
		assertThat(WRITABLE_REPLICA.primaryCandidate()).isFalse();
	}

	@Test
	void twoNodesWritableAtOnceIsASplitBrainOnceARecheckConfirmsIt() {
		see("primary", WRITABLE);
		assertThat(see("replica-1", WRITABLE).status()).isEqualTo(PrimaryStatus.CHANGING);
		Decision split = see("primary", WRITABLE);
		assertThat(split.status()).isEqualTo(PrimaryStatus.SPLIT_BRAIN);
		assertThat(split.reason()).contains("'primary' and 'replica-1' are both writable");
		assertThat(split.primary()).isEqualTo("primary");
		Decision resolved = see("replica-1", READ_ONLY_REPLICA);
		assertThat(resolved.status()).isEqualTo(PrimaryStatus.UP);
		assertThat(resolved.primary()).isEqualTo("primary");
	}

	@Test
	void aFailoverMovesThePrimaryOnceTheOldOneIsJudgedDownAndAnotherIsWritable() {
		see("primary", WRITABLE);
		see("replica-1", READ_ONLY_REPLICA);
		Decision down = this.tracker.observe("primary", Observation.down("unreachable: connection refused", this.clock++));
		assertThat(down.status()).isEqualTo(PrimaryStatus.DOWN);
		assertThat(down.reason()).contains("connection refused");
		Decision moved = see("replica-1", WRITABLE);
		assertThat(moved.primary()).isEqualTo("replica-1");
		assertThat(moved.moveReason()).contains("'primary' is down (unreachable: connection refused)");
	}

	@Test
	void anOldPrimaryThatComesBackWritableAfterAFailoverIsASplitBrainNotAMoveBack() {
		see("primary", WRITABLE);
		this.tracker.observe("primary", Observation.down("unreachable", this.clock++));
		see("replica-1", WRITABLE);
		assertThat(see("primary", WRITABLE).status()).isEqualTo(PrimaryStatus.CHANGING);
		Decision split = see("replica-1", WRITABLE);
		assertThat(split.status()).isEqualTo(PrimaryStatus.SPLIT_BRAIN);
		assertThat(split.primary()).isEqualTo("replica-1");
	}

	@Test
	void aCheckThatStartedBeforeANewerOneFinishedLateIsIgnored() {
		see("primary", WRITABLE);
		long early = this.clock++;
		Decision down = this.tracker.observe("primary", Observation.down("unreachable", this.clock++));
		assertThat(down.status()).isEqualTo(PrimaryStatus.DOWN);
		assertThat(this.tracker.observe("primary", Observation.of(WRITABLE, early, this.clock++)).status())
			.isEqualTo(PrimaryStatus.DOWN);
	}

	@Test
	void groupReplicationRolesComeFromTheGroup() {
		NodeRole groupPrimary = new NodeRole(false, false, false, "ONLINE", "PRIMARY");
		NodeRole secondary = new NodeRole(true, true, false, "ONLINE", "SECONDARY");
		NodeRole recovering = new NodeRole(true, true, false, "RECOVERING", "SECONDARY");
		assertThat(groupPrimary.primaryCandidate()).isTrue();
		assertThat(secondary.primaryCandidate()).isFalse();
		assertThat(recovering.serving()).isFalse();
		assertThat(new NodeRole(false, false, false, "ERROR", "SECONDARY").primaryCandidate()).isFalse();
		see("primary", groupPrimary);
		see("replica-1", secondary);
		this.tracker.observe("primary", Observation.down("unreachable", this.clock++));
		Decision elected = see("replica-1", groupPrimary);
		assertThat(elected.primary()).isEqualTo("replica-1");
		assertThat(elected.status()).isEqualTo(PrimaryStatus.UP);
	}

}
