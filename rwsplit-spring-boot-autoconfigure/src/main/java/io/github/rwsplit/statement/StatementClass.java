package io.github.rwsplit.statement;

/**
 * Where a statement run outside a transaction may go, as {@link SqlClassifier} judges it.
 */
public enum StatementClass {

	/** Reads only, and depends on nothing in the session: a replica may answer it. */
	READ,

	/** Writes, locks, depends on the session's own state, or could not be proven a read: the primary. */
	WRITE,

	/**
	 * Changes the session's state (a variable, a temporary table, a lock, the default schema, a
	 * transaction): the primary, and everything after it on the same connection too.
	 */
	SESSION_STATE

}
