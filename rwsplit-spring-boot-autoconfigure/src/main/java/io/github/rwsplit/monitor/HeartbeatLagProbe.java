package io.github.rwsplit.monitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Lag from a heartbeat row: at every tick the monitor writes an increasing sequence number to its
 * own row (one row per application instance, so instances never overwrite each other) on the
 * primary; a replica's lag is the age of the oldest written number its copy of the row has not
 * reached. Only this JVM's clock is used, so server clocks need not agree; the {@code written_at}
 * column is for people.
 */
final class HeartbeatLagProbe implements LagProbe {

	private final PositionMarks<Long> marks;

	private final String table;

	private final boolean createTable;

	private final String instance;

	private long sequence;

	private final long maxLagNanos;

	HeartbeatLagProbe(int capacity, long maxLagNanos, String table, boolean createTable) {
		this.marks = new PositionMarks<>(capacity);
		this.maxLagNanos = maxLagNanos;
		this.table = table;
		this.createTable = createTable;
		this.instance = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
	}

	static String ddl(String table) {
		return "CREATE TABLE IF NOT EXISTS " + table
				+ " (instance VARCHAR(32) NOT NULL PRIMARY KEY, seq BIGINT NOT NULL, written_at TIMESTAMP(6) NOT NULL)";
	}

	@Override
	public void prepare(Connection primary) throws SQLException {
		try (Statement statement = primary.createStatement()) {
			if (this.createTable) {
				statement.execute(ddl(this.table));
			}
			// Rows of instances that stopped long ago; each live instance rewrites its own row.
			statement.executeUpdate("DELETE FROM " + this.table + " WHERE written_at < NOW(6) - INTERVAL 1 DAY");
		}
	}

	@Override
	public void recordPrimary(Connection primary) throws SQLException {
		long next = this.sequence + 1;
		try (PreparedStatement statement = primary
			.prepareStatement("REPLACE INTO " + this.table + " (instance, seq, written_at) VALUES (?, ?, NOW(6))")) {
			statement.setString(1, this.instance);
			statement.setLong(2, next);
			statement.executeUpdate();
		}
		this.sequence = next;
		// Stamped once the write has committed, so that lag is never overstated.
		this.marks.record(next, System.nanoTime());
	}

	@Override
	public CheckResult check(Connection replica) throws SQLException {
		long now = System.nanoTime();
		long applied = 0;
		try (PreparedStatement statement = replica.prepareStatement("SELECT seq FROM " + this.table + " WHERE instance = ?")) {
			statement.setString(1, this.instance);
			try (ResultSet rs = statement.executeQuery()) {
				if (rs.next()) {
					applied = rs.getLong(1);
				}
			}
		}
		long reached = applied;
		return PositionMarks.result(this.marks.lagNanos((seq) -> seq <= reached, now), this.maxLagNanos, null);
	}

	@Override
	public LagSource source() {
		return LagSource.HEARTBEAT;
	}

}
