package io.github.rwsplit.testcluster;

import java.time.Duration;
import java.time.Instant;

/**
 * What a planned switchover did and when, so that a test can measure how long writes were refused.
 *
 * @param oldPrimary the node that was the primary before (now a replica)
 * @param newPrimary the node that is the primary now
 * @param started when the switchover began
 * @param oldPrimaryReadOnlyAt when the old primary had turned read-only: writes fail from here
 * @param newPrimaryWritableAt when the new primary had turned writable: writes can succeed again
 * @param completed when every other node had been repointed to the new primary
 */
public record SwitchoverResult(String oldPrimary, String newPrimary, Instant started, Instant oldPrimaryReadOnlyAt,
		Instant newPrimaryWritableAt, Instant completed) {

	/**
	 * How long no node took writes: from the old primary turning read-only to the new one turning
	 * writable.
	 * @return the window without a writable primary
	 */
	public Duration writeUnavailability() {
		return Duration.between(this.oldPrimaryReadOnlyAt, this.newPrimaryWritableAt);
	}

}
