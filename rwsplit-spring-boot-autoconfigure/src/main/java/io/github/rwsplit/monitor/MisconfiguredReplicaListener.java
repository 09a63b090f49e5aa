package io.github.rwsplit.monitor;

/**
 * Told when the monitor's first round of checks, which runs before the application takes traffic,
 * finds a replica {@linkplain ReplicaState#MISCONFIGURED misconfigured}. Throwing stops start-up
 * with that exception; returning starts the application with the replica out of rotation.
 */
public interface MisconfiguredReplicaListener {

	/** Starts the application whatever it finds. */
	MisconfiguredReplicaListener NONE = (replica, problem) -> {
	};

	/**
	 * A replica is misconfigured at start-up.
	 * @param replica the replica's name
	 * @param problem what is wrong, with no secrets in it
	 */
	void misconfiguredAtStartup(String replica, Misconfiguration problem);

}
