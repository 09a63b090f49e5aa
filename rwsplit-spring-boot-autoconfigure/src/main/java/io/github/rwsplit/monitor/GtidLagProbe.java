package io.github.rwsplit.monitor;

import java.sql.Connection;
import java.sql.SQLException;

import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.gtid.GtidStatements;

/**
 * Lag from GTIDs: the primary's {@code gtid_executed} is recorded at every tick; a replica's lag
 * is the age of the oldest recorded set it does not contain. Reads a global variable on each
 * side; needs no privilege and writes nothing. Also yields each replica's executed set.
 */
final class GtidLagProbe implements LagProbe {

	private final PositionMarks<GtidSet> marks;

	private final long maxLagNanos;

	private volatile GtidSet lastPrimary;

	GtidLagProbe(int capacity, long maxLagNanos) {
		this.marks = new PositionMarks<>(capacity);
		this.maxLagNanos = maxLagNanos;
	}

	@Override
	public void recordPrimary(Connection primary) throws SQLException {
		GtidSet executed = GtidStatements.executed(primary);
		// Stamped once the set is read, so that lag is never overstated.
		this.marks.record(executed, System.nanoTime());
		this.lastPrimary = executed;
	}

	@Override
	public GtidSet primaryExecuted() {
		return this.lastPrimary;
	}

	@Override
	public CheckResult check(Connection replica) throws SQLException {
		// Stamped before the replica is read, for the same reason.
		long now = System.nanoTime();
		GtidSet executed = GtidStatements.executed(replica);
		return PositionMarks.result(this.marks.lagNanos(executed::contains, now), this.maxLagNanos, executed);
	}

	@Override
	public LagSource source() {
		return LagSource.GTID;
	}

}
