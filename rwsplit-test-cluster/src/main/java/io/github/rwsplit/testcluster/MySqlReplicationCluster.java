package io.github.rwsplit.testcluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A running MySQL primary with replicas that replicate from it using GTID auto-positioning, all
 * reachable from this JVM, and the controls to break and mend it.
 *
 * <p>Accounts, created on every node:
 * <ul>
 * <li>{@link #appUser()}: all privileges on {@link #schema()}, plus {@code REPLICATION CLIENT}.
 * Replicas run with {@code super_read_only}, so it can write only on the primary.</li>
 * <li>{@link #readOnlyUser()}: {@code SELECT} on the schema plus {@code REPLICATION CLIENT}.</li>
 * <li>{@link #replicationUser()}: {@code REPLICATION SLAVE}, used by the replicas.</li>
 * <li>{@link #adminUser()}: every privilege; what the fault controls use.</li>
 * </ul>
 *
 * <p>Node names are {@code primary}, {@code replica-1}, {@code replica-2}, ... They are the
 * nodes' identities, named after their roles at start, and never change: after a
 * {@link #switchover(String)} or {@link #failover()}, the node named {@code replica-1} may be the
 * primary and the node named {@code primary} a replica. {@link #primary()}, {@link #replicas()}
 * and {@link ClusterNode#role()} always tell the current roles, and everything that acts on "the
 * primary" or "the replicas" ({@link #awaitReplicasCaughtUp(Duration)},
 * {@link #executeOnPrimaryAndAwaitReplicas(String...)}, the replica-only controls) follows them.
 * Methods that take a node name throw {@link IllegalArgumentException} for a name that is not in
 * the cluster, and replica-only controls throw it when given the current primary.
 *
 * <p>Every node starts read-only; the cluster makes the node it holds for the primary writable,
 * at start and again when that node is {@linkplain #restart(String) restarted}. A primary that a
 * failover replaced therefore comes back read-only.
 *
 * <p>{@link #close()} stops every server and deletes their data. A cluster is also closed when
 * the JVM exits, and its servers are killed even if the JVM itself is killed.
 */
public interface MySqlReplicationCluster extends AutoCloseable {

	/** @return the node that is the primary now */
	ClusterNode primary();

	/**
	 * @return every other node, in name order, including one that is down or
	 * {@linkplain #isDetached(String) detached}
	 */
	List<ClusterNode> replicas();

	/** @return the primary followed by the replicas */
	List<ClusterNode> nodes();

	/**
	 * @param name a node's name
	 * @return that node, with its current role
	 */
	ClusterNode node(String name);

	/** @return the application schema */
	String schema();

	/** @return the read-write application account */
	Credentials appUser();

	/** @return the read-only application account */
	Credentials readOnlyUser();

	/** @return the account replicas use to replicate from the primary */
	Credentials replicationUser();

	/** @return an account with every privilege */
	Credentials adminUser();

	/** @return where the servers run */
	ClusterProvider provider();

	/**
	 * Opens a new connection to a node's application schema as {@link #adminUser()}. The caller
	 * closes it.
	 * @param node a node's name
	 * @return an open connection
	 */
	Connection openAdminConnection(String node);

	/**
	 * @param node a node's name
	 * @return the node's {@code @@global.gtid_executed}, normalised (no line breaks)
	 */
	String gtidExecuted(String node);

	/**
	 * Waits until a node has applied every transaction of a GTID set.
	 * @param node a node's name
	 * @param gtidSet a GTID set such as {@code uuid:1-5}
	 * @param timeout how long to wait at most
	 * @return {@code true} once applied, {@code false} if the timeout passed first
	 */
	boolean awaitGtidApplied(String node, String gtidSet, Duration timeout);

	/**
	 * Waits until every replica has applied everything the primary has executed so far. Replicas
	 * that are {@linkplain #isDetached(String) detached} are not waited for.
	 * @param timeout how long to wait at most, for all replicas together
	 * @throws IllegalStateException naming a replica that did not catch up, with its status
	 */
	void awaitReplicasCaughtUp(Duration timeout);

	/**
	 * Runs statements on the primary as {@link #adminUser()} (typically DDL that the tests' data
	 * needs), then waits up to 30 seconds until every replica has applied them.
	 * @param statements SQL statements, run in order
	 * @throws SQLException if a statement fails
	 * @throws IllegalStateException naming a replica that did not catch up
	 */
	default void executeOnPrimaryAndAwaitReplicas(String... statements) throws SQLException {
		try (Connection connection = openAdminConnection(primary().name());
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		awaitReplicasCaughtUp(Duration.ofSeconds(30));
	}

	/**
	 * @param replica a replica's name
	 * @return what {@code SHOW REPLICA STATUS} says now
	 */
	ReplicaStatus replicaStatus(String replica);

	/**
	 * Stops a replica's applier ({@code STOP REPLICA SQL_THREAD}): it keeps receiving, stops
	 * applying, and its lag grows while the primary takes writes.
	 * @param replica a replica's name
	 */
	void stopReplicaSqlThread(String replica);

	/**
	 * Starts a replica's applier again; it then catches up.
	 * @param replica a replica's name
	 */
	void startReplicaSqlThread(String replica);

	/**
	 * Sets how far behind the primary a replica deliberately stays ({@code SOURCE_DELAY}).
	 * @param replica a replica's name
	 * @param delay whole seconds, zero to remove the delay
	 * @throws IllegalArgumentException for a negative delay or one with a fraction of a second
	 */
	void setReplicationDelay(String replica, Duration delay);

	/**
	 * Kills a node's server with {@code SIGKILL} (no shutdown, as in a crash) and returns once it
	 * is gone. Its data stays for {@link #restart(String)}.
	 * @param node a node's name
	 */
	void kill(String node);

	/**
	 * Suspends a node's server with {@code SIGSTOP}: it keeps its connections but answers nothing,
	 * like a hung server. {@link #resume(String)} undoes it.
	 * @param node a node's name
	 */
	void freeze(String node);

	/**
	 * Resumes a server suspended by {@link #freeze(String)}.
	 * @param node a node's name
	 */
	void resume(String node);

	/**
	 * Starts a killed node again on its data directory and port, and returns once it accepts
	 * connections. A replica resumes replicating by itself. The node starts read-only and is made
	 * writable only if it is still the primary; a primary replaced by {@link #failover()} comes
	 * back read-only and detached, for {@link #rejoinAsReplica(String)}.
	 * @param node a node's name
	 */
	void restart(String node);

	/**
	 * A planned switchover, as operators do it, with a 30-second bound on the catch-up; see
	 * {@link #switchover(String, Duration)}.
	 * @param newPrimary the name of a replica to promote
	 * @return what happened when
	 */
	SwitchoverResult switchover(String newPrimary);

	/**
	 * A planned switchover, as operators do it: the primary turns read-only
	 * ({@code super_read_only=ON}); once {@code newPrimary} has applied the old primary's
	 * {@code gtid_executed}, it forgets its source ({@code STOP REPLICA; RESET REPLICA ALL}) and
	 * turns writable; then every other node, the old primary included, is repointed to it with
	 * {@code SOURCE_AUTO_POSITION=1}. Repeatable in either direction. A replica's stopped applier or
	 * delay is kept; nodes that were detached are attached again.
	 * @param newPrimary the name of a replica to promote
	 * @param catchUpTimeout how long {@code newPrimary} may take to catch up; past it the
	 * switchover is abandoned and the old primary made writable again
	 * @return what happened when
	 * @throws IllegalArgumentException if {@code newPrimary} is the primary already
	 * @throws IllegalStateException if a node is down (nothing changed then) or the new primary did
	 * not catch up in time
	 */
	SwitchoverResult switchover(String newPrimary, Duration catchUpTimeout);

	/**
	 * An unplanned failover to the most advanced live replica; see {@link #failover(String)}.
	 * @return which node died and which was promoted, and when
	 */
	FailoverResult failover();

	/**
	 * An unplanned failover: kills the primary with {@code SIGKILL}, lets each live replica apply
	 * what it had received (up to 10 seconds each), promotes {@code newPrimary} (or, if
	 * {@code null}, the {@linkplain #mostAdvancedReplica() most advanced replica}) and repoints the
	 * other live replicas to it. The old primary stays down; after {@link #restart(String)} it is
	 * read-only and detached until {@link #rejoinAsReplica(String)}. Replicas that were down are
	 * detached too. Transactions the old primary had not shipped are lost to the new one, as in a
	 * real failover.
	 * @param newPrimary the replica to promote, or {@code null} for the most advanced
	 * @return which node died and which was promoted, and when
	 * @throws IllegalStateException if no live replica can be promoted (the primary is dead then)
	 */
	FailoverResult failover(@Nullable String newPrimary);

	/**
	 * The live, attached replica whose {@code gtid_executed} contains every other's (compared with
	 * {@code GTID_SUBSET}); of replicas that diverged, the first in name order.
	 * @return a replica's name
	 * @throws IllegalStateException if no replica is live and attached
	 */
	String mostAdvancedReplica();

	/**
	 * Makes a node read-only and points it at the current primary with GTID auto-positioning:
	 * how a restarted former primary, or any detached node, becomes a replica again. Transactions it
	 * has that the primary lacks (errant ones, from before a failover or from a split brain) stay
	 * on it alone.
	 * @param node the name of a node that is not the primary
	 */
	void rejoinAsReplica(String node);

	/**
	 * Whether a node replicates from nothing or from a former primary: a failed primary or a
	 * replica that was down during a failover, until it rejoins.
	 * @param node a node's name
	 * @return {@code true} while detached
	 */
	boolean isDetached(String node);

	/**
	 * Turns a node's {@code read_only} and {@code super_read_only} off (writable) or on, without
	 * changing roles: making a replica writable creates a split brain (two writable nodes), making
	 * it read-only again resolves it. A restart undoes it for any node but the primary.
	 * @param node a node's name
	 * @param writable whether the node should take writes
	 */
	void setWritable(String node, boolean writable);

	/**
	 * @param node a node's name
	 * @return whether both {@code read_only} and {@code super_read_only} are off on the node
	 */
	boolean isWritable(String node);

	/**
	 * Stops every server and deletes the data. Idempotent.
	 */
	@Override
	void close();

}
