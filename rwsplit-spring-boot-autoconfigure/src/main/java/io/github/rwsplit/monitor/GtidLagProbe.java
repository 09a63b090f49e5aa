package io.github.rwsplit.monitor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.github.rwsplit.gtid.GtidSet;

/**
 * Lag from GTIDs: the primary's {@code gtid_executed} is recorded at every tick; a replica's lag
 * is the age of the oldest recorded set it does not contain. Reads a global variable on each
 * side; needs no privilege and writes nothing. Also yields each replica's executed set.
 */
final class GtidLagProbe implements LagProbe {

	private final PositionMarks<GtidSet> marks;

	GtidLagProbe(int capacity) {
		this.marks = new PositionMarks<>(capacity);
	}

	static GtidSet gtidExecuted(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT @@global.gtid_executed")) {
			rs.next();
			String text = rs.getString(1);
			return GtidSet.parse((text != null) ? text : "");
		}
	}

	@Override
	public void recordPrimary(Connection primary, long nanos) throws SQLException {
		this.marks.record(gtidExecuted(primary), nanos);
	}

	@Override
	public CheckResult check(Connection replica, long nanos) throws SQLException {
		GtidSet executed = gtidExecuted(replica);
		long lag = this.marks.lagNanos(executed::contains, nanos);
		return (lag < 0) ? new CheckResult(true, false, -1, "the primary's position is not known yet", executed)
				: CheckResult.lag(lag, executed);
	}

	@Override
	public LagSource source() {
		return LagSource.GTID;
	}

}
