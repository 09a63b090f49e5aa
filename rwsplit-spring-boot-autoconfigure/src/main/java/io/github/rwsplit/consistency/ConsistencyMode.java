package io.github.rwsplit.consistency;

/**
 * How a session's reads see its own writes.
 */
public enum ConsistencyMode {

	/** Use the global setting ({@code rwsplit.consistency.mode}); only meaningful on annotations. */
	DEFAULT,

	/** No tracking: reads may miss the session's recent writes. */
	EVENTUAL,

	/**
	 * After a write, the session's reads go to the primary for {@code pin-duration}, or sooner
	 * when every candidate replica is less far behind than the time since the write.
	 */
	PIN,

	/**
	 * The session carries the GTIDs of its commits; a read goes to a replica that has applied
	 * them, waits for one briefly, or goes to the primary.
	 */
	GTID,

	/** Like {@link #GTID}, but every read waits for the newest commit of this application instance. */
	GLOBAL

}
