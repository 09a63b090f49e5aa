package io.github.rwsplit.routing;

import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;

/**
 * The current thread's routing state: the explicit routing scopes it is in ({@code @ReadReplica},
 * {@code @Primary}, or {@link #onReplica(String, Supplier)} and friends), and the route each
 * transaction it has begun was given.
 *
 * <p>The rules, in order:
 * <ol>
 * <li>A transaction's route is fixed when it begins: the innermost explicit scope entered
 * <em>before</em> it began wins; otherwise its read-only flag sends it to a replica of the
 * default group; otherwise it goes to the primary. Scopes entered inside a transaction that is
 * already running do not move it (see {@link RoutingDiagnostics}).</li>
 * <li>Work outside a transaction follows the innermost explicit scope, else the primary.</li>
 * </ol>
 * Transactions are seen through {@link RoutingTransactionListener}, which must be registered with
 * the transaction manager; rwsplit's auto-configuration does that for every transaction manager
 * bean.
 *
 * <p>Not thread-safe by design: everything here is confined to the current thread. Scopes must
 * be closed in the reverse order they were opened (try-with-resources does that); closing an
 * outer scope also closes inner ones left open, and says so once.
 */
public final class RoutingContext {

	private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

	private RoutingContext() {
	}

	static State state() {
		return STATE.get();
	}

	/**
	 * Enters an explicit routing scope. The interceptor behind {@code @ReadReplica} and
	 * {@code @Primary} uses this; so can code that cannot use the annotations.
	 * @param route where work in the scope should go
	 * @param group the replica group for {@link Route#REPLICA}, or {@code null} for the default
	 * @param site what opened the scope (a method, usually), for diagnostics
	 * @return the scope, to be closed when the work is done
	 */
	public static Scope enter(Route route, @Nullable String group, Object site) {
		return enter(route, group, null, null, site);
	}

	/**
	 * Enters an explicit routing scope with a staleness budget.
	 * @param route where work in the scope should go
	 * @param group the replica group for {@link Route#REPLICA}, or {@code null} for the default
	 * @param maxLag only replicas at most this far behind qualify, or {@code null} for any replica
	 * in rotation
	 * @param site what opened the scope (a method, usually), for diagnostics
	 * @return the scope, to be closed when the work is done
	 */
	public static Scope enter(Route route, @Nullable String group, @Nullable Duration maxLag, Object site) {
		return enter(route, group, maxLag, null, site);
	}

	/**
	 * Enters an explicit routing scope with a staleness budget and a consistency mode.
	 * @param route where work in the scope should go
	 * @param group the replica group for {@link Route#REPLICA}, or {@code null} for the default
	 * @param maxLag only replicas at most this far behind qualify, or {@code null}
	 * @param consistency how reads see the session's writes, or {@code null} for the global mode
	 * @param site what opened the scope (a method, usually), for diagnostics
	 * @return the scope, to be closed when the work is done
	 */
	public static Scope enter(Route route, @Nullable String group, @Nullable Duration maxLag,
			@Nullable ConsistencyMode consistency, Object site) {
		State state = STATE.get();
		boolean replica = route == Route.REPLICA;
		Scope scope = new Scope(state, route, replica ? group : null,
				(replica && maxLag != null) ? maxLag.toNanos() : -1, consistency, site);
		state.scope = scope;
		return scope;
	}

	/**
	 * Runs work with its reads on a replica of the default group.
	 * @param <T> the work's result type
	 * @param work the work
	 * @return the work's result
	 */
	public static <T> T onReplica(Supplier<T> work) {
		return onReplica(null, work);
	}

	/**
	 * Runs work on a replica of a group.
	 * @param <T> the work's result type
	 * @param group the replica group, or {@code null} for the default
	 * @param work the work
	 * @return the work's result
	 */
	public static <T> T onReplica(@Nullable String group, Supplier<T> work) {
		try (Scope scope = enter(Route.REPLICA, group, work.getClass())) {
			return work.get();
		}
	}

	/**
	 * Runs work on the primary.
	 * @param <T> the work's result type
	 * @param work the work
	 * @return the work's result
	 */
	public static <T> T onPrimary(Supplier<T> work) {
		try (Scope scope = enter(Route.PRIMARY, null, work.getClass())) {
			return work.get();
		}
	}

	/**
	 * Overrides {@code rwsplit.routing.autocommit-reads} for work on this thread until the returned
	 * scope closes: {@link Route#REPLICA} routes each statement outside a transaction by what it
	 * does, {@link Route#PRIMARY} sends them all to the primary. {@code @AutocommitReads} uses this.
	 * @param autocommitReads the mode
	 * @return the scope, which restores the previous mode when closed
	 */
	public static AutocommitReadsScope autocommitReads(Route autocommitReads) {
		State state = STATE.get();
		Route previous = state.autocommitReads;
		state.autocommitReads = autocommitReads;
		return () -> state.autocommitReads = previous;
	}

	/** Restores the previous autocommit-reads mode when closed. */
	@FunctionalInterface
	public interface AutocommitReadsScope extends AutoCloseable {

		@Override
		void close();

	}

	static void transactionBeginning() {
		STATE.get().beginning = true;
	}

	static void transactionBegan(TransactionExecution transaction) {
		State state = STATE.get();
		state.beginning = false;
		state.transaction = live(state.transaction);
		Scope scope = state.scope;
		TransactionRoute route;
		if (scope != null) {
			scope.tookEffect = true;
			route = new TransactionRoute(transaction, scope.intent.forTransaction(), state.transaction);
		}
		else if (transaction.isReadOnly()) {
			route = new TransactionRoute(transaction, RouteIntent.READ_ONLY_TRANSACTION, state.transaction);
		}
		else {
			route = new TransactionRoute(transaction, RouteIntent.READ_WRITE_TRANSACTION, state.transaction);
		}
		state.transaction = route;
	}

	static void transactionEnded(TransactionExecution transaction) {
		State state = STATE.get();
		// Normally the top entry; if an inner transaction's end was never reported (a commit that
		// failed before its listeners ran, say), drop it along with this one.
		for (TransactionRoute route = state.transaction; route != null; route = route.outer) {
			if (route.execution == transaction) {
				state.transaction = live(route.outer);
				return;
			}
		}
	}

	/** A read-write transaction on the primary committed: the session has written. */
	static void transactionCommitted(TransactionExecution transaction) {
		TransactionRoute current = STATE.get().transaction;
		if (current != null && current.execution == transaction && current.route == Route.PRIMARY
				&& !transaction.isReadOnly() && System.currentTimeMillis()
						- ConsistencyContext.currentToken().lastWriteMillis() > ConsistencyContext.WRITE_COALESCING_MILLIS) {
			// Skipped when the commit's GTID was just captured: that already recorded the write's time.
			ConsistencyContext.recordWrite();
		}
	}

	/**
	 * The innermost route whose transaction has not completed. Entries can outlive their
	 * transaction only when a transaction manager failed to report an end; skipping them here keeps
	 * a pooled thread from routing by a stale entry. A field read per entry, no allocation.
	 */
	static TransactionRoute live(TransactionRoute route) {
		TransactionRoute current = route;
		while (current != null && current.execution.isCompleted()) {
			current = current.outer;
		}
		return current;
	}

	/**
	 * Per-thread routing state: the inputs of routing (scopes, transactions, the autocommit-reads
	 * mode) and what the thread remembers between checkouts. Decisions never pass results through
	 * here: the plan is a value, and only the checkout that carried it out records it.
	 */
	static final class State {

		Scope scope;

		TransactionRoute transaction;

		/** {@code @AutocommitReads} in force on this thread, or {@code null} for the configured mode. */
		Route autocommitReads;

		/** Whether a transaction is between beforeBegin and afterBegin on this thread. */
		boolean beginning;

		/** The unit of read work open on this thread (read retries), or {@code null}. */
		ReadAttempt readAttempt;

		/** Waits this thread made in vain, so that the next read does not repeat one bound to fail. */
		ReplicaPlanner.Memo memo = ReplicaPlanner.Memo.NONE;

		/** The last plan carried out on this thread, for diagnostics and error messages. */
		Plan lastPlan;

		/** The node of {@link #lastPlan}. */
		String lastNode;

		/** The reason of {@link #lastPlan}. */
		RouteReason lastReason;

	}

	/** The route a transaction was given when it began. */
	static final class TransactionRoute {

		final TransactionExecution execution;

		final Route route;

		final String group;

		final RouteIntent intent;

		final TransactionRoute outer;

		TransactionRoute(TransactionExecution execution, RouteIntent intent, TransactionRoute outer) {
			this.execution = execution;
			this.route = intent.route();
			this.group = intent.group();
			this.intent = intent;
			this.outer = outer;
		}

	}

	/**
	 * An explicit routing scope. Closing it restores the scope that was in force before.
	 */
	public static final class Scope implements AutoCloseable {

		private final State state;

		final Route route;

		final String group;

		/** Staleness budget in nanoseconds, or -1 for none. */
		final long maxLagNanos;

		/** Consistency mode, or {@code null} for the global one. */
		final ConsistencyMode consistency;

		final Object site;

		/** What work in this scope needs, outside a transaction. */
		final RouteIntent intent;

		final Scope outer;

		/** The transaction running when the scope was entered, if any. */
		final TransactionRoute joined;

		/** Whether a transaction began, or a connection was routed, while this was the innermost scope. */
		boolean tookEffect;

		private boolean closed;

		Scope(State state, Route route, String group, long maxLagNanos, ConsistencyMode consistency, Object site) {
			this.state = state;
			this.route = route;
			this.group = group;
			this.maxLagNanos = maxLagNanos;
			this.consistency = consistency;
			this.site = site;
			this.intent = RouteIntent.ofScope(route, group, maxLagNanos, consistency, false);
			this.outer = state.scope;
			this.joined = TransactionSynchronizationManager.isActualTransactionActive() ? state.transaction : null;
		}

		/** @return where work in this scope goes */
		public Route route() {
			return this.route;
		}

		/** @return the replica group, or {@code null} for the default group or the primary */
		public @Nullable String group() {
			return this.group;
		}

		@Override
		public void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.state.scope != this) {
				// An inner scope was never closed; unwind it too rather than leave it on a pooled thread.
				RoutingDiagnostics.scopeLeftOpen(this.site);
			}
			this.state.scope = this.outer;
			if (this.joined != null && !this.tookEffect && !sameRoute(this.joined)) {
				RoutingDiagnostics.scopeJoinedRunningTransaction(this.site, this.route, this.group, this.joined.route,
						this.joined.group);
			}
		}

		private boolean sameRoute(TransactionRoute transaction) {
			if (transaction.route != this.route) {
				return false;
			}
			return this.route == Route.PRIMARY || java.util.Objects.equals(this.group, transaction.group);
		}

	}

}
