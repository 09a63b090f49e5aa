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

	/** A replica was wanted but its group had none eligible, so the primary served it. */
	FALLBACK("fallback");

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
