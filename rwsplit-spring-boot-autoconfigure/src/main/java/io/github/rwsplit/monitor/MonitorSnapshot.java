package io.github.rwsplit.monitor;

import java.util.List;

/**
 * What the monitor knows now, for endpoints, metrics and health. Immutable.
 *
 * @param lagSource the lag source in use (never {@code AUTO} once resolved)
 * @param primary the primary's node name
 * @param primaryDownReason why the primary is down, or {@code null} when it answers
 * @param replicas every replica's health, in configuration order
 */
public record MonitorSnapshot(LagSource lagSource, String primary, String primaryDownReason,
		List<ReplicaHealth> replicas) {

	/**
	 * @param name a replica's name
	 * @return its health, or {@code null} when there is no such replica
	 */
	public ReplicaHealth replica(String name) {
		for (ReplicaHealth health : this.replicas) {
			if (health.name().equals(name)) {
				return health;
			}
		}
		return null;
	}

}
