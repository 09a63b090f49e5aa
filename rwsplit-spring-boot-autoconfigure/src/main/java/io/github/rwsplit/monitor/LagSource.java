package io.github.rwsplit.monitor;

/**
 * How the monitor measures a replica's lag.
 */
public enum LagSource {

	/**
	 * {@code GTID} when the primary reports {@code gtid_mode=ON}, otherwise {@code HEARTBEAT}:
	 * sub-second without writes where the server allows it.
	 */
	AUTO,

	/**
	 * Snapshots of the primary's {@code gtid_executed} compared with each replica's. Needs no
	 * privilege and writes nothing; needs GTID replication.
	 */
	GTID,

	/**
	 * A row the monitor updates on the primary and reads on each replica. Works without GTIDs;
	 * needs the right to create (once) and update a small table.
	 */
	HEARTBEAT,

	/**
	 * {@code SHOW REPLICA STATUS}: whole seconds, and it needs {@code REPLICATION CLIENT}. Cannot
	 * tell an idle replica of a dead primary from a stale one.
	 */
	REPLICA_STATUS

}
