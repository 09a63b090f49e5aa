package io.github.rwsplit.routing;

/**
 * Why a connection was routed where it was. The tag values are what metrics and logs show.
 */
public enum RouteReason {

	/** An explicit {@code @ReadReplica} or {@code @Primary} (or the programmatic equivalent). */
	ANNOTATION("annotation"),

	/** A transaction declared read-only, with no annotation in force. */
	READ_ONLY_TRANSACTION("read-only-transaction"),

	/** Neither: a read-write transaction or work outside a transaction goes to the primary. */
	DEFAULT("default"),

	/** A replica was wanted but none could serve it (out of rotation, or behind the session's writes). */
	FALLBACK("fallback"),

	/** The session wrote recently (pin mode), so its read went to the primary. */
	PINNED("pinned"),

	/** A replica already known to have the session's writes. */
	GTID_CAUGHT_UP("gtid-caught-up"),

	/** A replica that was waited on until it had the session's writes. */
	GTID_WAIT("gtid-wait"),

	/** A statement outside a transaction that reads only (autocommit-reads). */
	STATEMENT_READ("statement-read"),

	/** A statement outside a transaction that writes or needs the primary (autocommit-reads). */
	STATEMENT_WRITE("statement-write"),

	/** A statement that changed the session's state; its connection stays on the primary (autocommit-reads). */
	SESSION_STATE("session-state");

	private final String tag;

	RouteReason(String tag) {
		this.tag = tag;
	}

	/**
	 * The reason as metrics and logs spell it.
	 * @return a lower-case, dash-separated name
	 */
	public String tag() {
		return this.tag;
	}

}
