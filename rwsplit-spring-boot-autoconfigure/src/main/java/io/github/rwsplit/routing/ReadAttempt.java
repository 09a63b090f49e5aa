package io.github.rwsplit.routing;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * One unit of read work and what it checked out, so that a failure can be judged: it may run once
 * more, elsewhere, only when
 * <ul>
 * <li>read retries are on ({@code rwsplit.routing.retry-reads});</li>
 * <li>every connection it checked out was a replica's, from one router: nothing it did touched the
 * primary, and a replica session is read-only on the server, so nothing it did wrote;</li>
 * <li>no checkout of it was refused (a refusal already tried what routing allows);</li>
 * <li>it failed with a connection-class error ({@link ConnectionFailures});</li>
 * <li>it has not been retried already: at most once per unit of work.</li>
 * </ul>
 * The retry plans with the failed replica excluded ({@link ReplicaPlanner.Attempt#excluding}): an
 * input to planning, set before the retry begins. It goes through the normal planner, so a retry
 * that falls back to the primary counts against the primary-reads guard.
 *
 * <p>Two kinds: a method's (opened by rwsplit's read-retry interceptor around a
 * {@code @ReadReplica} or read-only transactional method called outside any transaction, and held
 * by the thread's routing state while it runs), and a statement's (held by a statement-routed
 * connection for its replica checkouts). Applications do not use this class. Not thread-safe:
 * confined to the thread that opened it.
 */
public final class ReadAttempt implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ReadAttempt.class);

	/** The thread state this unit is open on, or {@code null} for a statement's. */
	private final RoutingContext.State state;

	/** The router of the first checkout; the only one whose replicas the unit may use. */
	private ReadWriteRoutingDataSource router;

	private String lastReplica;

	/** Touched the primary, or another router: never retried. */
	private boolean primary;

	private boolean refused;

	/** The replica the retry must not use; {@code null} before a retry. */
	private String excluded;

	private ReadAttempt(RoutingContext.State state) {
		this.state = state;
	}

	/**
	 * Opens a unit of read work on this thread, at the outermost boundary only.
	 * @return the unit, to be closed when the work is done; {@code null} when a transaction is
	 * running or a unit is already open (the outer one decides)
	 */
	public static @Nullable ReadAttempt open() {
		RoutingContext.State state = RoutingContext.state();
		if (state.readAttempt != null || TransactionSynchronizationManager.isActualTransactionActive()) {
			return null;
		}
		ReadAttempt attempt = new ReadAttempt(state);
		state.readAttempt = attempt;
		return attempt;
	}

	/** @return a unit for one statement-routed connection's replica reads, not held by the thread */
	static ReadAttempt forStatements() {
		return new ReadAttempt(null);
	}

	/**
	 * @param node a replica the next checkouts must avoid
	 * @return a statement's unit for the retry of a read that failed on {@code node}
	 */
	static ReadAttempt forStatementRetry(ReadWriteRoutingDataSource router, String node) {
		ReadAttempt attempt = new ReadAttempt(null);
		attempt.router = router;
		attempt.excluded = node;
		return attempt;
	}

	/**
	 * Decides whether the work may run once more.
	 * @param failure what the work threw
	 * @return the replica to exclude from the retry, or {@code null} when the work must not run again
	 */
	public @Nullable String retryableFailure(Throwable failure) {
		if (this.excluded != null || this.router == null || !this.router.settings().retryReads() || this.primary
				|| this.refused || this.lastReplica == null) {
			return null;
		}
		return ConnectionFailures.isConnectionFailure(failure) ? this.lastReplica : null;
	}

	/**
	 * The work runs again: its checkouts from now on avoid {@code failed}. Logged at DEBUG.
	 * @param failed the replica returned by {@link #retryableFailure(Throwable)}
	 * @param failure what the first run threw
	 * @param work what is run again, for the log line
	 */
	public void retrying(String failed, Throwable failure, Object work) {
		this.excluded = failed;
		this.lastReplica = null;
		if (logger.isDebugEnabled()) {
			logger.debug("rwsplit: " + work + " failed on replica '" + failed + "' (" + failure
					+ "); running it once more without that replica");
		}
	}

	/**
	 * Counts the retry's outcome ({@code rwsplit.read.retries}).
	 * @param succeeded whether the second run succeeded
	 */
	public void retried(boolean succeeded) {
		if (this.router != null && this.excluded != null) {
			this.router.counts().readRetried(this.excluded, succeeded);
		}
	}

	@Override
	public void close() {
		if (this.state != null && this.state.readAttempt == this) {
			this.state.readAttempt = null;
		}
	}

	/** @return the replica this unit's checkouts avoid on {@code checkout}'s router, or {@code null} */
	String excluded(ReadWriteRoutingDataSource checkout) {
		return (this.router == checkout) ? this.excluded : null;
	}

	/** @return the replica of the last checkout, or {@code null} */
	String lastReplica() {
		return this.lastReplica;
	}

	void usedReplica(ReadWriteRoutingDataSource by, String node) {
		if (this.router == null) {
			this.router = by;
		}
		else if (this.router != by) {
			this.primary = true;
		}
		this.lastReplica = node;
	}

	void usedPrimary(ReadWriteRoutingDataSource by) {
		if (this.router == null) {
			this.router = by;
		}
		this.primary = true;
	}

	void refused(ReadWriteRoutingDataSource by) {
		if (this.router == null) {
			this.router = by;
		}
		this.refused = true;
	}

}
