package io.github.rwsplit.monitor;

/**
 * Whether a replica serves reads, and if not, why not.
 */
public enum ReplicaState {

	/** In rotation: reachable and within the lag limit. */
	HEALTHY,

	/** Out of rotation: further behind the primary than allowed, or lag unknown. */
	LAGGING,

	/** Out of rotation: unreachable, or its replication is broken. */
	DOWN,

	/** Out of rotation because an operator took it out; stays out until put back. */
	DRAINED,

	/**
	 * Out of rotation: the monitor cannot log in or even connect because of the replica's own
	 * settings (credentials refused, a URL or driver property the driver rejects), with the
	 * server's or driver's answer as the reason. Returns like any replica out of rotation once a
	 * check succeeds.
	 */
	MISCONFIGURED;

	/** @return whether reads may go to a replica in this state */
	public boolean inRotation() {
		return this == HEALTHY;
	}

}
