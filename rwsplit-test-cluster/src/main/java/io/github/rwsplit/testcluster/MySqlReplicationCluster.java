package io.github.rwsplit.testcluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

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
 * <p>Node names are {@code primary}, {@code replica-1}, {@code replica-2}, ... Methods that take
 * a node name throw {@link IllegalArgumentException} for a name that is not in the cluster, and
 * replica-only controls throw it when given the primary.
 *
 * <p>{@link #close()} stops every server and deletes their data. A cluster is also closed when
 * the JVM exits, and its servers are killed even if the JVM itself is killed.
 */
public interface MySqlReplicationCluster extends AutoCloseable {

	/** @return the primary */
	ClusterNode primary();

	/** @return the replicas, in name order */
	List<ClusterNode> replicas();

	/** @return the primary followed by the replicas */
	List<ClusterNode> nodes();

	/**
	 * @param name a node's name
	 * @return that node
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
	 * Waits until every replica has applied everything the primary has executed so far.
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
	 * connections. A replica resumes replicating by itself.
	 * @param node a node's name
	 */
	void restart(String node);

	/**
	 * Stops every server and deletes the data. Idempotent.
	 */
	@Override
	void close();

}
