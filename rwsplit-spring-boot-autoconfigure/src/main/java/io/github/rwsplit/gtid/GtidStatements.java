package io.github.rwsplit.gtid;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * The two GTID statements rwsplit sends: reading a server's executed set, and waiting on a
 * server until it has applied a set. One round trip each, and each bounded on the client as well
 * as on the server: a server that hangs (stopped, swapping, a half-open TCP connection) holds its
 * caller no longer than the statement's own bound plus {@link #CLIENT_MARGIN_MILLIS}, or the
 * connection's own network timeout when that is shorter.
 *
 * <p>Every statement starts with {@link #MARKER}, so that {@code ResponseTimeInterceptor} can
 * leave rwsplit's own waits out of a replica's response time.
 */
public final class GtidStatements {

	/**
	 * How every statement rwsplit sends starts: a comment the server ignores, and a prefix the
	 * driver's interceptors can test without parsing.
	 */
	public static final String MARKER = "/* rwsplit */ ";

	/**
	 * How much longer than a statement's own bound the client waits for its answer. The server
	 * answers a wait at its timeout; the margin is for that last round trip on a loaded machine
	 * (scheduling, a GC pause), and is short enough that a hung server does not hold the caller
	 * noticeably longer than the wait itself would have.
	 */
	public static final long CLIENT_MARGIN_MILLIS = 1000;

	/** The bound on reading {@code gtid_executed} when the caller names none. */
	public static final long DEFAULT_EXECUTED_TIMEOUT_MILLIS = 2000;

	private static final String EXECUTED = MARKER + "SELECT @@global.gtid_executed";

	private static final String AWAIT = MARKER + "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";

	// The select list is evaluated in order: the executed set is read once the wait has returned.
	private static final String AWAIT_THEN_EXECUTED = MARKER
			+ "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?), @@global.gtid_executed";

	/**
	 * Runs Connector/J's network-timeout change on the calling thread. Connector/J requires an
	 * executor and applies the timeout from inside it; an asynchronous one could apply it after the
	 * statement already went out, which would leave that statement unbounded.
	 */
	private static final Executor DIRECT = Runnable::run;

	/** The connection's own network timeout was already the tighter bound and was left alone. */
	private static final int UNCHANGED = -1;

	private GtidStatements() {
	}

	/**
	 * Whether a statement is one rwsplit sends. Cheap enough for every statement: one prefix test.
	 * @param sql a statement's text, may be {@code null}
	 * @return whether it starts with {@link #MARKER}
	 */
	public static boolean isOwn(@Nullable String sql) {
		return sql != null && sql.startsWith(MARKER);
	}

	/**
	 * Reads {@code @@global.gtid_executed}, bounded by {@link #DEFAULT_EXECUTED_TIMEOUT_MILLIS}.
	 * @param connection a connection to the server
	 * @return its executed set, empty when it runs without GTIDs
	 * @throws SQLException when the statement fails or the server does not answer in time
	 * @throws IllegalArgumentException when the server's answer is not a GTID set
	 */
	public static GtidSet executed(Connection connection) throws SQLException {
		return executed(connection, DEFAULT_EXECUTED_TIMEOUT_MILLIS);
	}

	/**
	 * Reads {@code @@global.gtid_executed}, giving up when the server has not answered within the
	 * bound (the connection is then closed by the driver: SQL state class {@code 08}).
	 * @param connection a connection to the server
	 * @param timeoutMillis the longest the round trip may take, in milliseconds; at least 1
	 * @return its executed set, empty when it runs without GTIDs
	 * @throws SQLException when the statement fails or the server does not answer in time
	 * @throws IllegalArgumentException when the server's answer is not a GTID set
	 */
	public static GtidSet executed(Connection connection, long timeoutMillis) throws SQLException {
		int previous = bound(connection, Math.max(1, timeoutMillis));
		SQLException failure = null;
		try (PreparedStatement statement = connection.prepareStatement(EXECUTED);
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			String text = rs.getString(1);
			return GtidSet.parse((text != null) ? text : "");
		}
		catch (SQLException ex) {
			failure = ex;
			throw ex;
		}
		finally {
			restore(connection, previous, failure);
		}
	}

	/**
	 * Waits on the server until it has applied a GTID set ({@code WAIT_FOR_EXECUTED_GTID_SET}). The
	 * server gives up at the timeout; the client gives up {@link #CLIENT_MARGIN_MILLIS} later, when
	 * the server has not answered at all (the driver then closes the connection and throws with an
	 * SQL state of class {@code 08}).
	 * @param connection a connection to the server
	 * @param gtids the set to wait for
	 * @param timeoutMillis the longest wait, in milliseconds; at least 1, since MySQL waits for ever on 0
	 * @return whether the server applied the set in time
	 * @throws SQLException when the statement fails or the server does not answer in time
	 */
	public static boolean awaitApplied(Connection connection, GtidSet gtids, long timeoutMillis) throws SQLException {
		return await(connection, AWAIT, gtids, timeoutMillis, (rs) -> Boolean.TRUE) != null;
	}

	/**
	 * Waits like {@link #awaitApplied}, and in the same round trip reads what the server has
	 * executed once the wait returned: everything a successful wait proves, and usually more.
	 * @param connection a connection to the server
	 * @param gtids the set to wait for
	 * @param timeoutMillis the longest wait, in milliseconds; at least 1
	 * @return the server's executed set, which contains {@code gtids}, when it applied them in
	 * time; {@code null} when it did not
	 * @throws SQLException when the statement fails or the server does not answer in time
	 */
	public static GtidSet awaitAppliedThenExecuted(Connection connection, GtidSet gtids, long timeoutMillis)
			throws SQLException {
		return await(connection, AWAIT_THEN_EXECUTED, gtids, timeoutMillis, (rs) -> executedAfter(rs.getString(2), gtids));
	}

	/** What a wait that succeeded returns, read from its row. */
	@FunctionalInterface
	private interface AfterWait<T> {

		T read(ResultSet row) throws SQLException;

	}

	/**
	 * Sends one of the waits, bounded on the client.
	 * @return what {@code afterWait} read, or {@code null} when the server did not apply the set in time
	 */
	private static <T> T await(Connection connection, String sql, GtidSet gtids, long timeoutMillis,
			AfterWait<T> afterWait) throws SQLException {
		long wait = Math.max(1, timeoutMillis);
		int previous = bound(connection, wait + CLIENT_MARGIN_MILLIS);
		SQLException failure = null;
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, gtids.toString());
			statement.setBigDecimal(2, BigDecimal.valueOf(wait, 3));
			try (ResultSet rs = statement.executeQuery()) {
				return (rs.next() && rs.getInt(1) == 0 && !rs.wasNull()) ? afterWait.read(rs) : null;
			}
		}
		catch (SQLException ex) {
			failure = ex;
			throw ex;
		}
		finally {
			restore(connection, previous, failure);
		}
	}

	/**
	 * What a successful wait proves: the executed set read after it, with the awaited set (were the
	 * select list ever evaluated out of order, the union still holds only what is proven). A text
	 * that does not parse (longer than {@link GtidSet#MAX_TEXT_LENGTH}) proves the awaited set alone.
	 */
	private static GtidSet executedAfter(String executed, GtidSet awaited) {
		if (executed == null) {
			return awaited;
		}
		try {
			return GtidSet.parse(executed).union(awaited);
		}
		catch (IllegalArgumentException ex) {
			return awaited;
		}
	}

	/**
	 * Bounds the connection's round trips by a network timeout, unless it already has a shorter one:
	 * the lag monitor's connections carry its check timeout, and a {@code socketTimeout} in a URL is
	 * the user's choice; neither is loosened here.
	 * @return the timeout to restore, or {@link #UNCHANGED}
	 */
	private static int bound(Connection connection, long millis) throws SQLException {
		int previous = connection.getNetworkTimeout();
		int bound = (int) Math.min(Integer.MAX_VALUE, millis);
		if (previous > 0 && previous <= bound) {
			return UNCHANGED;
		}
		connection.setNetworkTimeout(DIRECT, bound);
		return previous;
	}

	/**
	 * Puts the caller's network timeout back. HikariCP resets it when the connection returns to the
	 * pool anyway; a connection from elsewhere keeps what it had. A connection the timeout closed
	 * cannot take it back, which must not hide why the statement failed.
	 */
	private static void restore(Connection connection, int previous, SQLException failure) throws SQLException {
		if (previous == UNCHANGED) {
			return;
		}
		try {
			if (!connection.isClosed()) {
				connection.setNetworkTimeout(DIRECT, previous);
			}
		}
		catch (SQLException ex) {
			if (failure != null) {
				failure.addSuppressed(ex);
			}
			else {
				throw ex;
			}
		}
	}

}
