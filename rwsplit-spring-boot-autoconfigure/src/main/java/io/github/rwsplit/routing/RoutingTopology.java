package io.github.rwsplit.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.github.rwsplit.gtid.GtidSet;

/**
 * An immutable snapshot of where work may go: the primary (and whether it is down), and per
 * replica group the replicas in rotation with their lag, in configuration order (so that
 * round-robin stays even as lags change). Replicas out of rotation are kept with the reason, for
 * error messages. The router reads the latest snapshot
 * through a volatile field and never locks; whoever changes rotation (the lag monitor, an
 * operator) publishes a new snapshot.
 */
public final class RoutingTopology {

	/**
	 * A replica out of rotation and why.
	 *
	 * @param name its node name
	 * @param group its group
	 * @param state its state, such as {@code LAGGING}
	 * @param reason why, for people
	 * @param gtidExecuted its executed GTID set when last measured, or {@code null} when unknown
	 */
	public record Exclusion(String name, String group, String state, String reason, GtidSet gtidExecuted) {

		/**
		 * An exclusion without a known GTID set.
		 * @param name its node name
		 * @param group its group
		 * @param state its state, such as {@code LAGGING}
		 * @param reason why, for people
		 */
		public Exclusion(String name, String group, String state, String reason) {
			this(name, group, state, reason, null);
		}

	}

	private final String primary;

	private final String primaryDownReason;

	private final String defaultGroup;

	private final Map<String, List<ReplicaNode>> groups;

	private final List<ReplicaNode> replicas;

	private final List<Exclusion> exclusions;

	/**
	 * A snapshot with every given replica in rotation and the primary up.
	 * @param primary the primary's node name
	 * @param defaultGroup the group read-only transactions use when no group is named
	 * @param replicas the replicas in rotation
	 */
	public RoutingTopology(String primary, String defaultGroup, Collection<ReplicaNode> replicas) {
		this(primary, null, defaultGroup, replicas, List.of());
	}

	/**
	 * A snapshot.
	 * @param primary the primary's node name
	 * @param primaryDownReason why the primary is down, or {@code null} when it is up
	 * @param defaultGroup the group read-only transactions use when no group is named
	 * @param replicas the replicas in rotation
	 * @param exclusions the replicas out of rotation, with reasons
	 */
	public RoutingTopology(String primary, String primaryDownReason, String defaultGroup,
			Collection<ReplicaNode> replicas, Collection<Exclusion> exclusions) {
		this.primary = Objects.requireNonNull(primary, "primary");
		this.primaryDownReason = primaryDownReason;
		this.defaultGroup = Objects.requireNonNull(defaultGroup, "defaultGroup");
		Map<String, List<ReplicaNode>> groups = new LinkedHashMap<>();
		for (ReplicaNode replica : replicas) {
			groups.computeIfAbsent(replica.group(), (group) -> new ArrayList<>()).add(replica);
		}
		groups.replaceAll((group, members) -> List.copyOf(members));
		this.groups = Map.copyOf(groups);
		this.replicas = List.copyOf(replicas);
		this.exclusions = List.copyOf(exclusions);
	}

	public String primary() {
		return this.primary;
	}

	/** @return why the primary is down, or {@code null} when it is up */
	public String primaryDownReason() {
		return this.primaryDownReason;
	}

	public String defaultGroup() {
		return this.defaultGroup;
	}

	/**
	 * The replicas of a group in rotation.
	 * @param group a group name, or {@code null} for the default group
	 * @return the group's replicas, empty when it has none in rotation
	 */
	public List<ReplicaNode> replicas(String group) {
		List<ReplicaNode> members = this.groups.get((group != null) ? group : this.defaultGroup);
		return (members != null) ? members : List.of();
	}

	/** @return every replica in rotation */
	public List<ReplicaNode> replicas() {
		return this.replicas;
	}

	/** @return the replicas out of rotation, with reasons */
	public List<Exclusion> exclusions() {
		return this.exclusions;
	}

	/**
	 * What a replica, in rotation or not, was last known to have applied. Scans the snapshot: for
	 * degraded paths only.
	 * @param replica a replica's node name
	 * @return its executed GTID set, or {@code null} when unknown
	 */
	public GtidSet lastKnownExecuted(String replica) {
		for (ReplicaNode node : this.replicas) {
			if (node.name().equals(replica)) {
				return node.gtidExecuted();
			}
		}
		for (Exclusion exclusion : this.exclusions) {
			if (exclusion.name().equals(replica)) {
				return exclusion.gtidExecuted();
			}
		}
		return null;
	}

	/** @return the names of the groups that have replicas in rotation */
	public Set<String> groups() {
		return this.groups.keySet();
	}

}
