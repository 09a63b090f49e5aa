package io.github.rwsplit.monitor;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * One way of measuring lag: what the primary task does at each tick, and what a replica check
 * does. Implementations are called from the monitor's threads only: {@link #recordPrimary} from
 * the primary's, {@link #check} from each replica's, concurrently.
 */
interface LagProbe {

	/**
	 * Prepares the primary once, when it is first reachable (for example, creates a table).
	 * @param primary a connection to the primary
	 * @throws SQLException when it cannot
	 */
	default void prepare(Connection primary) throws SQLException {
	}

	/**
	 * Records where the primary is now, and so proves it reachable. Positions are stamped with
	 * the monotonic clock once read, so that lag is never overstated.
	 * @param primary a connection to the primary
	 * @throws SQLException when the primary fails
	 */
	void recordPrimary(Connection primary) throws SQLException;

	/**
	 * Measures a replica.
	 * @param replica a connection to the replica
	 * @return what the check found
	 * @throws SQLException when the replica fails
	 */
	CheckResult check(Connection replica) throws SQLException;

	/**
	 * @return the primary's executed GTID set as the last {@link #recordPrimary} read it, or
	 * {@code null} when this probe does not read it
	 */
	default io.github.rwsplit.gtid.@Nullable GtidSet primaryExecuted() {
		return null;
	}

	/** @return the source this probe implements */
	LagSource source();

}
