package io.github.rwsplit.testcluster;

import java.time.Duration;
import java.time.Instant;

/**
 * What a failover did and when: which node died, which was promoted.
 *
 * @param failedPrimary the primary that was killed; it stays down, and detached once restarted,
 * until {@link MySqlReplicationCluster#rejoinAsReplica(String)}
 * @param newPrimary the replica that was promoted
 * @param killedAt when the old primary was gone
 * @param newPrimaryWritableAt when the new primary had turned writable
 * @param completed when the other live replicas had been repointed to it
 */
public record FailoverResult(String failedPrimary, String newPrimary, Instant killedAt, Instant newPrimaryWritableAt,
		Instant completed) {

	/**
	 * How long no node took writes: from the kill to the new primary turning writable.
	 * @return the window without a writable primary
	 */
	public Duration writeUnavailability() {
		return Duration.between(this.killedAt, this.newPrimaryWritableAt);
	}

}
