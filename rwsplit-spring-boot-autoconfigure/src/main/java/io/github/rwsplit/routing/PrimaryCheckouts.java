package io.github.rwsplit.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/**
 * Checkouts in progress on the primary's pool, so that they can be released at once when the
 * monitor learns that the primary is down or no longer the primary. Without this, work that asked
 * for a connection just before a crash waits in HikariCP for its whole connection timeout (30 s by
 * default), however soon the monitor knows the primary is gone.
 *
 * <p>A checkout registers itself for the time of {@link DataSource#getConnection()} only; a
 * release interrupts the waiting thread (HikariCP's checkout ends at once with "Interrupted during
 * connection acquisition") and the checkout ends with {@link Released}, its interrupt status
 * cleared: the release is rwsplit's doing, not the application's. A thread interrupted by anyone
 * else keeps its interrupt. No lock: a checkout and a release agree through one atomic state per
 * checkout, and a release that lost the race to a finished checkout does nothing.
 */
final class PrimaryCheckouts {

	private static final int WAITING = 0;

	private static final int DONE = 1;

	private static final int RELEASING = 2;

	private static final int RELEASED = 3;

	private final ConcurrentHashMap<Waiter, String> waiting = new ConcurrentHashMap<>();

	/** One checkout on one node's pool. */
	private static final class Waiter {

		final Thread thread = Thread.currentThread();

		final AtomicInteger state = new AtomicInteger(WAITING);

	}

	/**
	 * A connection from a primary pool, released early when {@link #release(String)} names its node.
	 * @param node the node the pool belongs to
	 * @param pool the pool
	 * @return the connection
	 * @throws Released when the node stopped being the primary during the checkout
	 * @throws SQLException when the pool refuses
	 */
	Connection open(String node, DataSource pool) throws SQLException {
		Waiter waiter = new Waiter();
		this.waiting.put(waiter, node);
		Connection connection = null;
		SQLException failure = null;
		try {
			connection = pool.getConnection();
		}
		catch (SQLException ex) {
			failure = ex;
		}
		finally {
			this.waiting.remove(waiter);
		}
		if (waiter.state.compareAndSet(WAITING, DONE)) {
			if (failure != null) {
				throw failure;
			}
			return connection;
		}
		// Released: wait for the interrupt to have been delivered, then clear it (a few instructions).
		while (waiter.state.get() != RELEASED) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
		Released released = new Released(node);
		if (connection != null) {
			// The pool answered just as the release came; the node is no primary any more all the same.
			try {
				connection.close();
			}
			catch (SQLException ex) {
				released.addSuppressed(ex);
			}
		}
		if (failure != null) {
			released.addSuppressed(failure);
		}
		throw released;
	}

	/**
	 * Ends every checkout waiting on a node's pool.
	 * @param node the node that is no longer a writable primary
	 * @return how many checkouts were released
	 */
	int release(String node) {
		int released = 0;
		for (var entry : this.waiting.entrySet()) {
			Waiter waiter = entry.getKey();
			if (entry.getValue().equals(node) && waiter.state.compareAndSet(WAITING, RELEASING)) {
				waiter.thread.interrupt();
				waiter.state.set(RELEASED);
				released++;
			}
		}
		return released;
	}

	/** @return how many checkouts wait on primary pools now */
	int waiting() {
		return this.waiting.size();
	}

	/** A checkout ended because its node stopped being a writable primary while it waited. */
	static final class Released extends SQLTransientConnectionException {

		private static final long serialVersionUID = 1L;

		Released(String node) {
			super("rwsplit: '" + node + "' stopped being a writable primary while this work waited for a connection",
					"08001");
		}

	}

}
