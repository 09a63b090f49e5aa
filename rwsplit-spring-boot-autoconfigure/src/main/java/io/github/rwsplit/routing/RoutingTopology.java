package io.github.rwsplit.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable snapshot of the nodes reads may use: the primary's name and, per replica group,
 * the replicas currently in rotation. The router reads the latest snapshot through a volatile
 * field and never locks; whoever changes rotation (the lag monitor, an operator) publishes a new
 * snapshot instead of changing this one.
 */
public final class RoutingTopology {

	private final String primary;

	private final String defaultGroup;

	private final Map<String, List<ReplicaNode>> groups;

	private final List<ReplicaNode> replicas;

	/**
	 * Creates a snapshot.
	 * @param primary the primary's node name
	 * @param defaultGroup the group read-only transactions use when no group is named
	 * @param replicas the replicas in rotation, in the order selectors should see them
	 */
	public RoutingTopology(String primary, String defaultGroup, Collection<ReplicaNode> replicas) {
		this.primary = Objects.requireNonNull(primary, "primary");
		this.defaultGroup = Objects.requireNonNull(defaultGroup, "defaultGroup");
		Map<String, List<ReplicaNode>> groups = new LinkedHashMap<>();
		for (ReplicaNode replica : replicas) {
			groups.computeIfAbsent(replica.group(), (group) -> new ArrayList<>()).add(replica);
		}
		groups.replaceAll((group, members) -> List.copyOf(members));
		this.groups = Map.copyOf(groups);
		this.replicas = List.copyOf(replicas);
	}

	public String primary() {
		return this.primary;
	}

	public String defaultGroup() {
		return this.defaultGroup;
	}

	/**
	 * The replicas of a group in rotation.
	 * @param group a group name, or {@code null} for the default group
	 * @return the group's replicas, empty when it has none
	 */
	public List<ReplicaNode> replicas(String group) {
		List<ReplicaNode> members = this.groups.get((group != null) ? group : this.defaultGroup);
		return (members != null) ? members : List.of();
	}

	/** @return every replica in rotation */
	public List<ReplicaNode> replicas() {
		return this.replicas;
	}

	/** @return the names of the groups that have replicas in rotation */
	public Set<String> groups() {
		return this.groups.keySet();
	}

}
