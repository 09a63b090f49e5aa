package io.github.rwsplit.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of where work may go: the current primary (which may be any node: the
 * monitor follows switchovers and failovers) and whether writes can go to it, and per
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
	 */
	public record Exclusion(String name, String group, String state, String reason) {
	}

	/** Whether writes have a primary to go to. */
	public enum PrimaryStatus {

		/** The primary answers and is writable. */
		UP,

		/** The primary does not answer. */
		DOWN,

		/** No node is writable: a switchover or failover is under way, or the primary was set read-only. */
		CHANGING,

		/** Two nodes report writable at once: writes go to neither until one is read-only again. */
		SPLIT_BRAIN

	}

	private final String primary;

	private final PrimaryStatus primaryStatus;

	private final String primaryDownReason;

	private final String defaultGroup;

	private final Map<String, List<ReplicaNode>> groups;

	private final List<ReplicaNode> replicas;

	private final List<Exclusion> exclusions;

	private final io.github.rwsplit.gtid.GtidSet primaryExecuted;

	private final long primaryMeasuredAtMillis;

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
	public RoutingTopology(String primary, @Nullable String primaryDownReason, String defaultGroup,
			Collection<ReplicaNode> replicas, Collection<Exclusion> exclusions) {
		this(primary, primaryDownReason, defaultGroup, replicas, exclusions, null, 0);
	}

	/**
	 * A snapshot that knows the primary's executed GTID set.
	 * @param primary the primary's node name
	 * @param primaryDownReason why the primary is down, or {@code null} when it is up
	 * @param defaultGroup the group read-only transactions use when no group is named
	 * @param replicas the replicas in rotation
	 * @param exclusions the replicas out of rotation, with reasons
	 * @param primaryExecuted the primary's {@code gtid_executed} as last read, or {@code null} when unknown
	 * @param primaryMeasuredAtMillis when it was read (epoch milliseconds, taken before the statement
	 * was sent, so every transaction committed before then is in it), or 0
	 */
	public RoutingTopology(String primary, @Nullable String primaryDownReason, String defaultGroup,
			Collection<ReplicaNode> replicas, Collection<Exclusion> exclusions,
			io.github.rwsplit.gtid.@Nullable GtidSet primaryExecuted, long primaryMeasuredAtMillis) {
		this(primary, (primaryDownReason != null) ? PrimaryStatus.DOWN : PrimaryStatus.UP, primaryDownReason,
				defaultGroup, replicas, exclusions, primaryExecuted, primaryMeasuredAtMillis);
	}

	/**
	 * A snapshot with the primary's status.
	 * @param primary the current primary's node name (the last one known while none is writable)
	 * @param primaryStatus whether writes have a primary to go to
	 * @param primaryUnavailableReason why they do not, or {@code null} when the status is {@code UP}
	 * @param defaultGroup the group read-only transactions use when no group is named
	 * @param replicas the replicas in rotation
	 * @param exclusions the replicas out of rotation, with reasons
	 * @param primaryExecuted the primary's {@code gtid_executed} as last read, or {@code null} when unknown
	 * @param primaryMeasuredAtMillis when it was read (epoch milliseconds), or 0
	 */
	public RoutingTopology(String primary, PrimaryStatus primaryStatus, @Nullable String primaryUnavailableReason,
			String defaultGroup, Collection<ReplicaNode> replicas, Collection<Exclusion> exclusions,
			io.github.rwsplit.gtid.@Nullable GtidSet primaryExecuted, long primaryMeasuredAtMillis) {
		this.primaryStatus = Objects.requireNonNull(primaryStatus, "primaryStatus");
		if ((primaryStatus == PrimaryStatus.UP) != (primaryUnavailableReason == null)) {
			throw new IllegalArgumentException("a reason is required exactly when the primary is not UP, was "
					+ primaryStatus + " with " + primaryUnavailableReason);
		}
		this.primaryExecuted = primaryExecuted;
		this.primaryMeasuredAtMillis = (primaryExecuted != null) ? primaryMeasuredAtMillis : 0;
		this.primary = Objects.requireNonNull(primary, "primary");
		this.primaryDownReason = primaryUnavailableReason;
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

	/**
	 * @return why writes have no primary to go to ({@link #primaryStatus()} is not {@code UP}), or
	 * {@code null} when they have
	 */
	public @Nullable String primaryDownReason() {
		return this.primaryDownReason;
	}

	/** @return whether writes have a primary to go to */
	public PrimaryStatus primaryStatus() {
		return this.primaryStatus;
	}

	/**
	 * @return the primary's executed GTID set when last read by the monitor (while it was up), or
	 * {@code null} when unknown
	 */
	public io.github.rwsplit.gtid.@Nullable GtidSet primaryExecuted() {
		return this.primaryExecuted;
	}

	/**
	 * This snapshot with a newer position of the primary.
	 * @param executed the primary's executed set
	 * @param measuredAtMillis when it was read (epoch milliseconds, taken before the statement was sent)
	 * @return the snapshot
	 */
	public RoutingTopology withPrimaryPosition(io.github.rwsplit.gtid.GtidSet executed, long measuredAtMillis) {
		return new RoutingTopology(this.primary, this.primaryStatus, this.primaryDownReason, this.defaultGroup,
				this.replicas, this.exclusions, executed, measuredAtMillis);
	}

	/** @return when {@link #primaryExecuted()} was read (epoch milliseconds), 0 when unknown */
	public long primaryMeasuredAtMillis() {
		return this.primaryMeasuredAtMillis;
	}

	public String defaultGroup() {
		return this.defaultGroup;
	}

	/**
	 * The replicas of a group in rotation.
	 * @param group a group name, or {@code null} for the default group
	 * @return the group's replicas, empty when it has none in rotation
	 */
	public List<ReplicaNode> replicas(@Nullable String group) {
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

	/** @return the names of the groups that have replicas in rotation */
	public Set<String> groups() {
		return this.groups.keySet();
	}

}
