package io.github.rwsplit.routing;

/**
 * Where a unit of work runs.
 */
public enum Route {

	/** The primary: writes, read-write transactions, and anything not marked as a read. */
	PRIMARY,

	/** One replica of a replica group. */
	REPLICA

}
