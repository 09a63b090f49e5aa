package io.github.rwsplit.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import javax.sql.DataSource;

/**
 * Checkouts in progress on primary pools, so that they can be released at once when the monitor
 * learns that the primary is down or no longer the primary. Without this, work that asked for a
 * connection just before a crash waits in HikariCP for its whole connection timeout (30 s by
 * default), however soon the monitor knows the primary is gone.
 *
 * <p>A checkout takes a slot for the time of {@link DataSource#getConnection()} only; a release
 * interrupts the waiting thread (HikariCP's checkout ends at once with "Interrupted during
 * connection acquisition") and the checkout ends with {@link Released}, its interrupt status as it
 * was before: the release is rwsplit's doing, not the application's. (An application's own
 * interrupt that lands in the same instant as a release is indistinguishable from it and is kept
 * only if it came first.) A checkout that registered just after the monitor published the change
 * sees the change itself and releases itself, so no release is ever missed.
 *
 * <p>No lock and no map: slots are claimed by compare-and-set in a fixed array, starting at a
 * place given by the thread; a checkout that finds no free slot (more concurrent checkouts than
 * slots) is simply not releasable. A checkout and a release agree through one atomic state per
 * checkout; a release that lost the race to a finished checkout does nothing.
 */
final class PrimaryCheckouts {

	private static final int SLOTS = 256;

	private static final int WAITING = 0;

	private static final int DONE = 1;

	private static final int RELEASING = 2;

	private static final int RELEASED = 3;

	private final AtomicReferenceArray<Waiter> slots = new AtomicReferenceArray<>(SLOTS);

	/** One checkout on one node's pool; its value is its state (one object per checkout, no more). */
	@SuppressWarnings("serial")
	private static final class Waiter extends AtomicInteger {

		final Thread thread = Thread.currentThread();

		final String node;

		final boolean write;

		Waiter(String node, boolean write) {
			super(WAITING);
			this.node = node;
			this.write = write;
		}

	}

	/**
	 * A connection from a primary pool, released early when {@link #release} names its node.
	 * @param node the node the pool belongs to
	 * @param pool the pool
	 * @param write whether the work writes (reads are released only when the node is down or not the
	 * primary any more, writes also when it turns read-only)
	 * @param topology the router's current snapshot, read after registering: whether the node is
	 * still where this work may go
	 * @return the connection
	 * @throws Released when the node stopped being the primary during the checkout
	 * @throws SQLException when the pool refuses
	 */
	Connection open(String node, DataSource pool, boolean write, TopologyHolder topology) throws SQLException {
		Waiter waiter = new Waiter(node, write);
		int slot = claim(waiter);
		boolean interruptedBefore = Thread.currentThread().isInterrupted();
		if (slot >= 0 && !stillValid(topology.get(), node, write)) {
			// The change was published before this checkout registered: its release may have missed us.
			waiter.compareAndSet(WAITING, RELEASED);
		}
		Connection connection = null;
		Throwable failure = null;
		if (waiter.get() == WAITING) {
			try {
				connection = pool.getConnection();
			}
			catch (Throwable ex) {
				failure = ex;
			}
		}
		if (slot >= 0) {
			this.slots.set(slot, null);
		}
		if (waiter.compareAndSet(WAITING, DONE)) {
			return connectionOrThrow(connection, failure);
		}
		// Released: wait for the interrupt to have been delivered, then put the status back.
		for (int spins = 0; waiter.get() != RELEASED; spins++) {
			if (spins < 64) {
				Thread.onSpinWait();
			}
			else {
				Thread.yield();
			}
		}
		Thread.interrupted();
		if (interruptedBefore) {
			Thread.currentThread().interrupt();
		}
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

	private static boolean stillValid(RoutingTopology now, String node, boolean write) {
		return now.primary().equals(node) && (write ? now.primaryStatus() == RoutingTopology.PrimaryStatus.UP
				: now.primaryStatus() != RoutingTopology.PrimaryStatus.DOWN);
	}

	private static Connection connectionOrThrow(Connection connection, Throwable failure) throws SQLException {
		if (failure instanceof SQLException sql) {
			throw sql;
		}
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		if (failure != null) {
			throw new SQLException(failure);
		}
		return connection;
	}

	private int claim(Waiter waiter) {
		int start = (int) (waiter.thread.getId() * 0x9E3779B9L) & (SLOTS - 1);
		for (int i = 0; i < SLOTS; i++) {
			int slot = (start + i) & (SLOTS - 1);
			if (this.slots.get(slot) == null && this.slots.compareAndSet(slot, null, waiter)) {
				return slot;
			}
		}
		return -1;
	}

	/**
	 * Ends checkouts waiting on a node's pool.
	 * @param node the node that is no longer a writable primary
	 * @param writesOnly whether only write work is released (the node answers, read-only)
	 * @return how many checkouts were released
	 */
	int release(String node, boolean writesOnly) {
		int released = 0;
		for (int i = 0; i < SLOTS; i++) {
			Waiter waiter = this.slots.get(i);
			if (waiter != null && waiter.node.equals(node) && (waiter.write || !writesOnly)
					&& waiter.compareAndSet(WAITING, RELEASING)) {
				waiter.thread.interrupt();
				waiter.set(RELEASED);
				released++;
			}
		}
		return released;
	}

	/** @return how many checkouts wait on primary pools now */
	int waiting() {
		int waiting = 0;
		for (int i = 0; i < SLOTS; i++) {
			if (this.slots.get(i) != null) {
				waiting++;
			}
		}
		return waiting;
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
