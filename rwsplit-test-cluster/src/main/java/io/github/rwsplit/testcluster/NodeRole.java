package io.github.rwsplit.testcluster;

/**
 * What a node of a {@link MySqlReplicationCluster} or {@link GroupReplicationCluster} does now;
 * roles change with switchovers, failovers and elections, names do not.
 */
public enum NodeRole {

	/** The node that takes writes; every replica replicates from it. */
	PRIMARY,

	/**
	 * A read-only node replicating from the primary with GTID auto-positioning (in a group: a
	 * secondary).
	 */
	REPLICA

}
