package io.github.rwsplit.monitor;

import org.jspecify.annotations.Nullable;

/**
 * The rule that lets replicas serve reads when the application started with the primary down
 * ({@code rwsplit.startup.allow-primary-down}): lag is the age of the oldest primary position a
 * replica has not applied, so before the primary has answered once no lag can be measured. Until
 * then, and only then, a replica that answers and whose replication is not broken is admitted with
 * its lag unknown, and its reason says so. From the primary's first recorded position on, the
 * usual lag rules apply. A primary that answers but whose position cannot be recorded (a statement
 * failure) is not "unseen": its replicas stay out, as before.
 *
 * <p>Not responsible for the primary's own state, or for budgets: a replica of unknown lag still
 * never qualifies for a {@code @ReadReplica(maxLag = ...)}.
 */
final class UnseenPrimaryAdmission {

	static final UnseenPrimaryAdmission OFF = new UnseenPrimaryAdmission(false);

	static final UnseenPrimaryAdmission ON = new UnseenPrimaryAdmission(true);

	static final String REASON = "in rotation because the primary has not answered since start-up and "
			+ "rwsplit.startup.allow-primary-down=true";

	private final boolean enabled;

	private UnseenPrimaryAdmission(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * @param result a replica's check
	 * @param primaryAnsweredUnrecorded whether the primary answered but its position could not be recorded
	 * @return why the replica is admitted with its lag unknown, or {@code null} when it is not
	 */
	@Nullable String admits(CheckResult result, boolean primaryAnsweredUnrecorded) {
		return (this.enabled && result.primaryUnseen() && !primaryAnsweredUnrecorded) ? REASON : null;
	}

}
