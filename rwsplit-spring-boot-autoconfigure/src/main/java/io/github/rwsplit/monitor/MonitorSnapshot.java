package io.github.rwsplit.monitor;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the monitor knows now, for endpoints, metrics and health. Immutable.
 *
 * @param lagSource the lag source in use (never {@code AUTO} once resolved)
 * @param primary the current primary's node name (the last one known while none is writable)
 * @param primaryDownReason why writes have no primary to go to, or {@code null} when they have
 * @param replicas the health of every node that is not the primary now, in configuration order
 * @param primaryStatus whether writes have a primary to go to
 * @param primaryChanges how many times the monitor moved the primary to another node
 * @param lastPrimaryChange the latest such move, or {@code null} when there was none
 */
public record MonitorSnapshot(LagSource lagSource, String primary, @Nullable String primaryDownReason,
		List<ReplicaHealth> replicas, io.github.rwsplit.routing.RoutingTopology.PrimaryStatus primaryStatus,
		long primaryChanges, @Nullable PrimaryChange lastPrimaryChange) {

	/**
	 * A snapshot of a monitor that has seen no primary change.
	 * @param lagSource the lag source in use
	 * @param primary the primary's node name
	 * @param primaryDownReason why the primary is down, or {@code null} when it answers
	 * @param replicas every replica's health
	 */
	public MonitorSnapshot(LagSource lagSource, String primary, @Nullable String primaryDownReason,
			List<ReplicaHealth> replicas) {
		this(lagSource, primary, primaryDownReason, replicas,
				(primaryDownReason != null) ? io.github.rwsplit.routing.RoutingTopology.PrimaryStatus.DOWN
						: io.github.rwsplit.routing.RoutingTopology.PrimaryStatus.UP,
				0, null);
	}

	/**
	 * The monitor moved the primary from one node to another.
	 * @param from the node that was the primary
	 * @param to the node that is the primary now
	 * @param reason what the monitor saw, for people
	 * @param at when
	 */
	public record PrimaryChange(String from, String to, String reason, java.time.Instant at) {
	}

	/**
	 * @param name a replica's name
	 * @return its health, or {@code null} when there is no such replica
	 */
	public @Nullable ReplicaHealth replica(String name) {
		for (ReplicaHealth health : this.replicas) {
			if (health.name().equals(name)) {
				return health;
			}
		}
		return null;
	}

}
