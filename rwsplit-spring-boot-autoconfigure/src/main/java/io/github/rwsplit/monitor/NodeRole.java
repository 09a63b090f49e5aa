package io.github.rwsplit.monitor;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What one check read of a node's role: its read-only flags, whether it replicates from another
 * server, and, in a Group Replication group, its member state and role. Immutable.
 *
 * @param readOnly {@code @@global.read_only}
 * @param superReadOnly {@code @@global.super_read_only}
 * @param replicating whether a replication channel other than Group Replication's own receives
 * from a source ({@code SERVICE_STATE = ON}); {@code false} when it could not be read
 * @param memberState the Group Replication member state ({@code ONLINE}, {@code RECOVERING}...), or
 * {@code null} when the node is in no group
 * @param memberRole the Group Replication member role ({@code PRIMARY}, {@code SECONDARY}), or {@code null}
 * @param serverUuid {@code @@server_uuid}, which names the node in a group's member list; {@code null} when not read
 * @param replicationKnown whether {@code replicating} and the member columns were read at all ({@code false}
 * when the monitor's account may not read performance_schema: then a writable node may be a replica)
 * @param groupOnline how many members of the node's group it sees ONLINE, 0 when not read
 * @param groupSize how many members its group lists, 0 when not read
 */
record NodeRole(boolean readOnly, boolean superReadOnly, boolean replicating, @Nullable String memberState,
		@Nullable String memberRole, @Nullable String serverUuid, boolean replicationKnown, int groupOnline, int groupSize) {

	NodeRole(boolean readOnly, boolean superReadOnly, boolean replicating, @Nullable String memberState,
			@Nullable String memberRole) {
		this(readOnly, superReadOnly, replicating, memberState, memberRole, null, true, 0, 0);
	}

	/** @return whether the node's group has a majority ONLINE as it sees the group (true when not known) */
	boolean hasQuorum() {
		return this.groupSize == 0 || this.groupOnline * 2 > this.groupSize;
	}

	/** @return whether the node is in a Group Replication group (in any state) */
	boolean groupMember() {
		return this.memberState != null && !this.memberState.isEmpty() && !"OFFLINE".equals(this.memberState);
	}

	/** @return whether the node is an ONLINE group member, or in no group */
	boolean serving() {
		return !groupMember() || "ONLINE".equals(this.memberState);
	}

	/**
	 * Whether the node can be the primary: it accepts writes and takes them from no other server. A
	 * writable node that replicates is a replica without {@code read_only}, not a second primary;
	 * in a group, only the ONLINE member in role PRIMARY.
	 * @return whether the node is a primary candidate
	 */
	boolean primaryCandidate() {
		if (this.readOnly || this.superReadOnly) {
			return false;
		}
		if (groupMember()) {
			// A primary cut off from the majority still reads ONLINE/PRIMARY in its own row; its writes would hang.
			return "ONLINE".equals(this.memberState) && "PRIMARY".equals(this.memberRole) && hasQuorum();
		}
		return !this.replicating;
	}

	/** @return the role in words, for logs and reasons */
	String describe() {
		StringBuilder text = new StringBuilder();
		text.append(this.superReadOnly ? "super_read_only" : this.readOnly ? "read_only" : "writable");
		if (groupMember()) {
			text.append(", group member ").append(this.memberState.toLowerCase(Locale.ROOT));
			if (this.memberRole != null && !this.memberRole.isEmpty()) {
				text.append(' ').append(this.memberRole.toLowerCase(Locale.ROOT));
			}
			if (!hasQuorum()) {
				text.append(", ").append(this.groupOnline).append(" of ").append(this.groupSize)
					.append(" members online (no quorum)");
			}
		}
		else if (!this.replicationKnown) {
			text.append(", replication not visible");
		}
		else {
			text.append(this.replicating ? ", replicating" : ", not replicating");
		}
		return text.toString();
	}

}
