package io.github.rwsplit.testcluster;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A running MySQL Group Replication group in single-primary mode (the engine of InnoDB Cluster),
 * all members reachable from this JVM, with the controls to kill, restart, elect and switch.
 *
 * <p>The group decides who the primary is; this class asks it
 * ({@code performance_schema.replication_group_members} on a live member) every time, and never
 * remembers. Members are named {@code member-1}, {@code member-2}, ... and the names never change;
 * {@code member-1} bootstraps the group and is its first primary, but after a kill or a
 * {@link #setPrimary(String)} any member may be. Members are {@link ClusterNode}s, so a test
 * configures rwsplit from them as from a replication cluster (see
 * {@link RwsplitClusterProperties#of(GroupReplicationCluster)}).
 *
 * <p>Accounts are laid out as in a {@link MySqlReplicationCluster}: {@link #appUser()},
 * {@link #readOnlyUser()} and the schema replicate through the group; {@link #adminUser()} and
 * {@link #replicationUser()} (for distributed recovery) are created on each member outside the
 * binary log. Secondaries run {@code super_read_only}; the group turns it off on the primary.
 *
 * <p>Failure detection is tuned for tests ({@code group_replication_member_expel_timeout=0}), so
 * after a {@code SIGKILL} of the primary a new one is elected after XCom's fixed five-second
 * suspicion delay: about 6-7 seconds on a two-core machine, against ~22 s with MySQL's defaults.
 * Members do not rejoin by themselves ({@code group_replication_autorejoin_tries=0}); a member
 * that leaves or is expelled turns read-only.
 *
 * <p>{@link #close()} stops every server and deletes their data; as with the replication cluster,
 * it also happens when the JVM exits or is killed.
 */
public interface GroupReplicationCluster extends AutoCloseable {

	/** @return the group's name, a UUID; it is also the UUID of the group's GTIDs */
	String groupName();

	/**
	 * The member the group holds for its primary now, asked of a live member that is
	 * {@code ONLINE}.
	 * @return the primary, with role {@link NodeRole#PRIMARY}
	 * @throws IllegalStateException when no live member sees an online primary (during an election,
	 * say; see {@link #awaitPrimaryElected(Duration)})
	 */
	ClusterNode primary();

	/**
	 * @return every member, in name order, with roles as the group sees them now; a member that is
	 * down or out of the group has role {@link NodeRole#REPLICA}
	 */
	List<ClusterNode> members();

	/**
	 * @param name a member's name
	 * @return that member, with its current role
	 * @throws IllegalArgumentException for a name that is not a member
	 */
	ClusterNode member(String name);

	/**
	 * Each member's {@code MEMBER_STATE} in the group's view ({@code ONLINE}, {@code RECOVERING},
	 * {@code UNREACHABLE}, {@code ERROR}), or {@code OFFLINE} for a member the view does not list
	 * (down, or not started in the group).
	 * @return member names to states, in name order
	 */
	Map<String, String> memberStates();

	/** @return the application schema */
	String schema();

	/** @return the read-write application account */
	Credentials appUser();

	/** @return the read-only application account */
	Credentials readOnlyUser();

	/** @return the account of distributed recovery */
	Credentials replicationUser();

	/** @return an account with every privilege */
	Credentials adminUser();

	/**
	 * Opens a new connection to a member's application schema as {@link #adminUser()}. The caller
	 * closes it.
	 * @param name a member's name
	 * @return an open connection
	 */
	Connection openAdminConnection(String name);

	/**
	 * @param name a member's name
	 * @return the member's {@code @@global.gtid_executed}, normalised (no line breaks); GR hands
	 * out GTIDs in blocks per member, so the set has gaps
	 */
	String gtidExecuted(String name);

	/**
	 * Waits until a member has applied every transaction of a GTID set.
	 * @param name a member's name
	 * @param gtidSet a GTID set
	 * @param timeout how long to wait at most
	 * @return {@code true} once applied, {@code false} if the timeout passed first
	 */
	boolean awaitGtidApplied(String name, String gtidSet, Duration timeout);

	/**
	 * Kills a member's server with {@code SIGKILL} and returns once it is gone. The group notices
	 * after its detection delay; if it was the primary, the others elect a new one.
	 * @param name a member's name
	 */
	void kill(String name);

	/**
	 * Starts a killed member again on its data, rejoins it to the group
	 * ({@code START GROUP_REPLICATION}) and returns once the member is {@code ONLINE}: it has
	 * recovered what it missed and is a read-only secondary.
	 * @param name a member's name
	 */
	void restart(String name);

	/**
	 * Waits until live members agree on an online, writable primary and returns it: right away when
	 * the group has one, or after the election that follows the primary's death.
	 * @param timeout how long to wait at most
	 * @return the primary
	 * @throws IllegalStateException with each live member's view when none was elected in time
	 */
	ClusterNode awaitPrimaryElected(Duration timeout);

	/**
	 * A planned switchover within the group: {@code group_replication_set_as_primary} with the
	 * member's UUID, which waits for transactions in flight. Returns once the member is the
	 * writable primary.
	 * @param name an online secondary's name
	 * @return the new primary
	 */
	ClusterNode setPrimary(String name);

	/**
	 * Stops every server and deletes the data. Idempotent.
	 */
	@Override
	void close();

}
