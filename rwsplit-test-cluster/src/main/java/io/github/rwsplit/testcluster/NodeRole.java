package io.github.rwsplit.testcluster;

/**
 * What a node of a {@link MySqlReplicationCluster} does in replication.
 */
public enum NodeRole {

	/** The node that takes writes; every replica replicates from it. */
	PRIMARY,

	/** A read-only node replicating from the primary with GTID auto-positioning. */
	REPLICA

}
