package io.github.rwsplit.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.gtid.GtidStatements;
import io.github.rwsplit.gtid.WaitPermits;
import io.github.rwsplit.routing.RouteCounts.FallbackCause;

/**
 * Carries out plans: the one place in routing that does I/O and records what happened.
 * <ol>
 * <li>plans over the current snapshot ({@link ReplicaPlanner});</li>
 * <li>a refusal fails at once with its explanation (a primary the monitor knows is down is never
 * asked); write work that finds no writable primary waits for one first, once and bounded;</li>
 * <li>writes take a connection from the current primary's writer pool; a checkout still waiting
 * there when that node stops being the primary is released and the work planned again, once;</li>
 * <li>takes the pool connection; when a replica's pool refuses, that replica is excluded and the
 * work planned again, up to the retry limit, so a retry never returns to it (a sticky session is
 * released from it for this read);</li>
 * <li>meets the precondition on the connection, each wait bounded on the server and on the client;
 * when it does not hold, the plan's fallback serves, and the thread remembers it so the next read
 * does not repeat a wait bound to fail;</li>
 * <li>only then, once, records side effects: the session's sticky replica, counters, the plan for
 * diagnostics, the {@link RouteListener}.</li>
 * </ol>
 * Waits for the topology (fallback {@code wait}, a newer primary position) use
 * {@link TopologyHolder}'s lock and condition, and a read queueing for a wait permit uses
 * {@link WaitPermits}'s; never a monitor, so virtual threads do not pin.
 */
final class Checkout {

	private static final Log logger = LogFactory.getLog(Checkout.class);

	private static final AtomicBoolean ROUTE_LISTENER_FAILED = new AtomicBoolean();

	private final ReadWriteRoutingDataSource router;

	private final ReplicaPlanner planner;

	Checkout(ReadWriteRoutingDataSource router, ReplicaPlanner planner) {
		this.router = router;
		this.planner = planner;
	}

	/**
	 * @param intent what the work needs
	 * @param state the current thread's routing state
	 * @return a connection to the node the plan chose
	 * @throws SQLException when no node can serve the work
	 */
	Connection open(RouteIntent intent, RoutingContext.State state) throws SQLException {
		return open(intent, state, state.readAttempt);
	}

	/**
	 * @param intent what the work needs
	 * @param state the current thread's routing state
	 * @param unit the unit of read work this checkout belongs to, told what it checked out; and
	 * the replica it must avoid, when it is a retry; or {@code null}
	 * @return a connection to the node the plan chose
	 * @throws SQLException when no node can serve the work
	 */
	Connection open(RouteIntent intent, RoutingContext.State state, ReadAttempt unit) throws SQLException {
		if (unit == null) {
			return openFirst(intent, state, null);
		}
		try {
			return openFirst(intent, state, unit);
		}
		catch (SQLException | RuntimeException ex) {
			unit.refused(this.router);
			throw ex;
		}
	}

	private Connection openFirst(RouteIntent intent, RoutingContext.State state, ReadAttempt unit)
			throws SQLException {
		RoutingSettings settings = this.router.settings();
		String avoid = (unit != null) ? unit.excluded(this.router) : null;
		if (avoid != null) {
			// A retry of read work: the replica it failed on is excluded from its first plan on.
			return openPlanned(intent, state, settings, ReplicaPlanner.Attempt.FIRST.excluding(avoid), null, 0, unit);
		}
		// The usual read: nothing to check first, so nothing to remember but the plan. Kept small so
		// that it inlines; everything else takes the general loop below.
		RoutingTopology topology = this.router.getTopology();
		Plan.ToReplica plain = this.planner.planPlainRead(intent, topology, settings);
		if (plain == null) {
			return openPlanned(intent, state, settings, ReplicaPlanner.Attempt.FIRST, null, 0, unit);
		}
		try {
			Connection connection = plain.node().dataSource().getConnection();
			recordReplica(plain, intent, topology, state, unit);
			return connection;
		}
		catch (SQLException ex) {
			return afterRefusedCheckout(plain, ex, intent, topology, settings, state, ReplicaPlanner.Attempt.FIRST, null,
					0, unit);
		}
	}

	/** A replica's pool refused: told, counted, and the work planned again without that replica. */
	private Connection afterRefusedCheckout(Plan.ToReplica plan, SQLException ex, RouteIntent intent,
			RoutingTopology topology, RoutingSettings settings, RoutingContext.State state,
			ReplicaPlanner.Attempt attempt, SQLException earlier, int failedCheckouts, ReadAttempt unit)
			throws SQLException {
		this.router.checkoutFailureListener().checkoutFailed(plan.node().name(), ex);
		SQLException failure = chain(earlier, ex);
		if (failedCheckouts + 1 > settings.checkoutRetries()) {
			// Replicas qualified, but none gave a connection.
			remember(state, plan, plan.node().name(), plan.reason());
			this.router.counts().fellBack(FallbackCause.FAILED);
			throw failure;
		}
		this.router.counts().retriedCheckout();
		return openPlanned(intent, state, settings, attempt.excluding(plan.node().name()), failure, failedCheckouts + 1,
				unit);
	}

	private Connection openPlanned(RouteIntent intent, RoutingContext.State state, RoutingSettings settings,
			ReplicaPlanner.Attempt first, SQLException earlier, int refused, ReadAttempt unit) throws SQLException {
		ReplicaPlanner.Attempt attempt = first;
		SQLException failure = earlier;
		// Replicas passed over because their wait permits were all taken, and the last plan for one of them.
		List<String> busy = null;
		Plan.ToReplica lastBusy = null;
		// A permit this read queued for and got, not yet used by a plan; at most one queue per checkout.
		String heldPermit = null;
		boolean queued = false;
		boolean releasedOnce = false;
		try {
			while (true) {
				RoutingTopology topology = this.router.getTopology();
				ConsistencyToken token = ReplicaPlanner.readsToken(intent, settings) ? ConsistencyContext.currentToken()
						: ConsistencyToken.EMPTY;
				Plan plan = this.planner.plan(intent, topology, settings, token, state.memo.of(this.router), attempt);
				boolean permitted = false;
				if (heldPermit != null) {
					// Planned again after queueing: the permit serves only a wait on its own replica.
					permitted = plan instanceof Plan.ToReplica again && again.node().name().equals(heldPermit)
							&& !(again.precondition() instanceof Precondition.None);
					if (!permitted) {
						this.router.waitPermits().release(heldPermit);
					}
					heldPermit = null;
				}
				if (lastBusy != null && !(plan instanceof Plan.ToReplica)) {
					// Every replica this read could wait on holds as many waits as it may: the busy plan's
					// fallback serves if it can. If it would refuse, the read queues, once and bounded by the
					// wait timeout, for a permit on any of them, as a read in eventual mode queues for a pool
					// connection; one that gets a permit is planned again with that replica allowed back.
					Plan fallback = lastBusy.onFailedPrecondition();
					if (queued || fallbackServesNow(fallback, settings)) {
						return afterFailedPrecondition(fallback, intent, topology, settings, state, failure, unit);
					}
					queued = true;
					heldPermit = queueForPermit(busy, settings);
					if (heldPermit != null) {
						attempt = attempt.including(heldPermit);
					}
					// Planned again on a fresh snapshot either way: the queue may have lasted the wait timeout.
					continue;
				}
				if (plan instanceof Plan.AwaitReplica await) {
					observed(WaitObserver.Reason.NO_REPLICA,
							() -> this.router.topologyHolder().awaitReplica(intent, await.timeoutNanos()));
					attempt = attempt.afterWaitingForReplica();
					continue;
				}
				if (plan instanceof Plan.AwaitPrimary await) {
					observed(WaitObserver.Reason.NO_PRIMARY,
							() -> this.router.topologyHolder().awaitWritablePrimary(await.timeoutNanos()));
					attempt = attempt.afterWaitingForPrimary();
					continue;
				}
				if (plan instanceof Plan.AwaitPrimaryPosition await) {
					boolean newer = observed(WaitObserver.Reason.PRIMARY_POSITION, () -> this.router.topologyHolder()
						.awaitPrimaryPosition(await.sinceMillis(), await.timeoutNanos()));
					attempt = attempt.verifiedSince(await.sinceMillis(), newer);
					continue;
				}
				if (plan instanceof Plan.ToReplica toReplica) {
					String node = toReplica.node().name();
					boolean waits = !(toReplica.precondition() instanceof Precondition.None);
					if (waits && !permitted && !this.router.waitPermits().tryAcquire(node)) {
						// As many of rwsplit's own waits as it may hold already run on this replica: another
						// replica may serve, else (above) the fallback or a queue for a permit.
						if (busy == null) {
							busy = new ArrayList<>(2);
						}
						busy.add(node);
						lastBusy = toReplica;
						attempt = attempt.excluding(node);
						continue;
					}
					boolean holding = waits;
					try {
						Connection connection;
						try {
							connection = toReplica.node().dataSource().getConnection();
						}
						catch (SQLException ex) {
							// The permit goes back before the work is planned elsewhere: nothing waits here.
							if (holding) {
								holding = false;
								this.router.waitPermits().release(node);
							}
							return afterRefusedCheckout(toReplica, ex, intent, topology, settings, state, attempt, failure,
									refused, unit);
						}
						if (meet(toReplica, connection, topology, settings, state)) {
							recordReplica(toReplica, intent, topology, state, unit);
							return connection;
						}
						close(connection);
					}
					finally {
						if (holding) {
							this.router.waitPermits().release(node);
						}
					}
					return afterFailedPrecondition(toReplica.onFailedPrecondition(), intent, topology, settings, state,
							failure, unit);
				}
				try {
					return onPrimary(plan, intent, topology, settings, state, failure, false, unit, attempt);
				}
				catch (PrimaryCheckouts.Released ex) {
					// The primary went away while this work waited for its pool: planned again, once,
					// so it waits for the next primary or fails with the state.
					if (releasedOnce) {
						throw ex;
					}
					releasedOnce = true;
					failure = chain(failure, ex);
				}
			}
		}
		finally {
			if (heldPermit != null) {
				this.router.waitPermits().release(heldPermit);
			}
		}
	}

	/** Whether a fallback plan would serve now, rather than refuse or find the primary's cap reached. */
	private boolean fallbackServesNow(Plan fallback, RoutingSettings settings) {
		if (fallback instanceof Plan.ToPrimary toPrimary) {
			return !toPrimary.guarded() || this.router.primaryReadGuard()
				.hasRoom(settings.fallback().maxPrimaryReads(), toPrimary.tokenCaused());
		}
		return false;
	}

	/**
	 * Waits, bounded by the consistency wait timeout, for a wait permit on any of the replicas.
	 * @return the replica whose permit the caller now holds, or {@code null}
	 */
	private @Nullable String queueForPermit(List<String> replicas, RoutingSettings settings) {
		WaitPermits permits = this.router.waitPermits();
		String free = permits.acquireAny(replicas, 0);
		if (free != null) {
			// Given back since: no queue, nothing to observe.
			return free;
		}
		long timeoutNanos = settings.consistency().waitTimeout().toNanos();
		String[] got = new String[1];
		try {
			observed(WaitObserver.Reason.WAIT_PERMIT, () -> {
				got[0] = permits.acquireAny(replicas, timeoutNanos);
				return got[0] != null;
			});
		}
		catch (RuntimeException | Error ex) {
			// An observer that throws must not keep the permit from every later wait on that replica.
			if (got[0] != null) {
				permits.release(got[0]);
			}
			throw ex;
		}
		return got[0];
	}

	/** Serves a plan for the primary, or throws its refusal. */
	private Connection onPrimary(Plan plan, RouteIntent intent, RoutingTopology topology, RoutingSettings settings,
			RoutingContext.State state, SQLException failure, boolean afterWait, ReadAttempt unit,
			ReplicaPlanner.Attempt attempt) throws SQLException {
		String primary = topology.primary();
		if (plan instanceof Plan.Refuse refuse) {
			remember(state, plan, primary,
					(intent.route() == Route.REPLICA) ? RouteReason.FALLBACK : intent.reason());
			String message;
			if (refuse.why() == Plan.Refusal.PRIMARY_DOWN) {
				message = RoutingMessages.primaryDown(topology,
						attempt.waitedForPrimary() ? settings.awaitPrimaryNanos() / 1_000_000 : 0);
			}
			else {
				this.router.counts().fellBack(FallbackCause.FAILED);
				message = RoutingMessages.noReplica(intent, topology, settings, this.router.getReplicas(),
						refuse.tokenCaused());
			}
			SQLException refused = new SQLTransientConnectionException(message, "08001");
			if (failure != null) {
				refused.addSuppressed(failure);
			}
			throw refused;
		}
		Plan.ToPrimary toPrimary = (Plan.ToPrimary) plan;
		remember(state, plan, primary, toPrimary.reason());
		Connection connection;
		try {
			if (toPrimary.guarded()) {
				connection = this.router.primaryReadGuard()
					.open(() -> this.router.openPrimary(topology, false), settings.fallback().maxPrimaryReads(),
							toPrimary.tokenCaused(),
							() -> RoutingMessages.noReplica(intent, topology, settings, this.router.getReplicas(),
									toPrimary.tokenCaused()));
			}
			else {
				connection = this.router.openPrimary(topology, intent.route() == Route.PRIMARY);
			}
		}
		catch (PrimaryReadGuard.CapReached ex) {
			this.router.counts().fellBack(FallbackCause.GUARD_TRIPPED);
			if (failure != null) {
				ex.addSuppressed(failure);
			}
			throw ex;
		}
		catch (PrimaryCheckouts.Released ex) {
			if (failure != null) {
				ex.addSuppressed(failure);
			}
			throw ex;
		}
		catch (SQLException ex) {
			if (!(ex.getCause() instanceof InterruptedException)) {
				// An interrupt is the application's doing and says nothing about the primary.
				this.router.checkoutFailureListener().checkoutFailed(primary, ex);
			}
			if (failure != null) {
				ex.addSuppressed(failure);
			}
			throw ex;
		}
		recordPrimary(toPrimary, intent, settings, afterWait, unit, primary);
		return connection;
	}

	private Connection afterFailedPrecondition(Plan fallback, RouteIntent intent, RoutingTopology topology,
			RoutingSettings settings, RoutingContext.State state, SQLException failure, ReadAttempt unit)
			throws SQLException {
		return onPrimary(fallback, intent, topology, settings, state, failure, true, unit, ReplicaPlanner.Attempt.FIRST);
	}

	/**
	 * Meets a plan's precondition on its connection, holding one of the replica's wait permits;
	 * every statement is bounded.
	 */
	private boolean meet(Plan.ToReplica plan, Connection connection, RoutingTopology topology, RoutingSettings settings,
			RoutingContext.State state) {
		Precondition precondition = plan.precondition();
		if (precondition instanceof Precondition.None) {
			return true;
		}
		long timeoutMillis = settings.consistency().waitTimeout().toMillis();
		GtidSet target;
		boolean catchUp = precondition instanceof Precondition.CatchUpWithPrimary;
		if (precondition instanceof Precondition.AwaitGtids await) {
			target = await.gtids();
		}
		else {
			Precondition.CatchUpWithPrimary move = (Precondition.CatchUpWithPrimary) precondition;
			GtidSet primaryNow = primaryPosition(move, topology, timeoutMillis);
			target = (primaryNow != null) ? primaryNow.union(move.alsoRequired()) : move.alsoRequired();
			if (target.isEmpty()) {
				return true;
			}
		}
		String node = plan.node().name();
		long epoch = plan.node().knowledgeEpoch();
		long started = System.nanoTime();
		WaitObserver.Wait wait = this.router.getWaitObserver()
			.start(catchUp ? WaitObserver.Reason.CATCH_UP : WaitObserver.Reason.READ_YOUR_WRITES, node);
		WaitObserver.Outcome outcome = WaitObserver.Outcome.ERROR;
		try {
			GtidSet executed = GtidStatements.awaitAppliedThenExecuted(connection, target, timeoutMillis);
			if (executed != null) {
				outcome = WaitObserver.Outcome.REACHED;
				// Proof for every session: reads whose requirements this covers skip their wait now,
				// not at the monitor's next snapshot.
				plan.node().learnExecuted(executed, epoch);
				if (catchUp) {
					state.memo = state.memo.caughtUp(this.router);
				}
				else {
					this.router.tracker().waited.increment();
					this.router.waitRecorder().waited(System.nanoTime() - started, true);
				}
				return true;
			}
			outcome = WaitObserver.Outcome.TIMEOUT;
		}
		catch (SQLException ex) {
			// A wait that fails is a wait that did not succeed: the fallback serves.
			if (ex.getSQLState() != null && ex.getSQLState().startsWith("08")) {
				this.router.checkoutFailureListener().connectionLost(node, ex);
			}
		}
		finally {
			wait.stop(outcome);
		}
		failedWait(state, catchUp, target, System.nanoTime() - started, topology);
		return false;
	}

	private void failedWait(RoutingContext.State state, boolean catchUp, GtidSet target, long elapsedNanos,
			RoutingTopology topology) {
		if (catchUp) {
			state.memo = state.memo.catchUpFailed(target, topology, this.router);
		}
		else {
			this.router.tracker().waitTimedOut.increment();
			this.router.waitRecorder().waited(elapsedNanos, false);
			state.memo = state.memo.waitFailed(target, topology, this.router);
		}
	}

	/**
	 * What the primary has executed now: asked of the primary, unless the monitor knows it is down
	 * (then its last known position stands in) or the monitor's position is already newer than
	 * anything the session saw there.
	 */
	private GtidSet primaryPosition(Precondition.CatchUpWithPrimary move, RoutingTopology topology,
			long timeoutMillis) {
		long observed = ConsistencyContext.currentToken().observedMillis();
		if (topology.primaryStatus() != RoutingTopology.PrimaryStatus.UP
				|| (move.knownPrimary() != null && observed != 0 && topology.primaryMeasuredAtMillis() > observed)) {
			return move.knownPrimary();
		}
		try (Connection primary = this.router.openPrimary(topology, false)) {
			return GtidStatements.executed(primary, timeoutMillis);
		}
		catch (SQLException | IllegalArgumentException ex) {
			return move.knownPrimary();
		}
	}

	/**
	 * Runs one of the topology waits, observed: reached when what it waited for was published in
	 * time, an error when the thread was interrupted, else a timeout.
	 */
	private boolean observed(WaitObserver.Reason reason, BooleanSupplier wait) {
		WaitObserver.Wait observed = this.router.getWaitObserver().start(reason, WaitObserver.NO_NODE);
		WaitObserver.Outcome outcome = WaitObserver.Outcome.ERROR;
		try {
			boolean reached = wait.getAsBoolean();
			if (reached) {
				outcome = WaitObserver.Outcome.REACHED;
			}
			else if (!Thread.currentThread().isInterrupted()) {
				outcome = WaitObserver.Outcome.TIMEOUT;
			}
			return reached;
		}
		finally {
			observed.stop(outcome);
		}
	}

	/** Side effects of a replica plan that succeeded. */
	private void recordReplica(Plan.ToReplica plan, RouteIntent intent, RoutingTopology topology,
			RoutingContext.State state, ReadAttempt unit) {
		String node = plan.node().name();
		remember(state, plan, node, plan.reason());
		if (unit != null) {
			unit.usedReplica(this.router, node);
		}
		this.router.counts().routed(node, plan.reason());
		BalancingCounts balancing = this.router.balancing();
		switch (plan.sticky()) {
			case ASSIGN -> {
				balancing.stickyAssigned.increment();
				ConsistencyContext.stickTo(node);
			}
			case HIT -> balancing.stickyHits.increment();
			case MOVE -> {
				balancing.stickyMoved.increment();
				ConsistencyContext.stickTo(node);
			}
			default -> {
			}
		}
		if (plan.slowStartDeferred()) {
			balancing.slowStartDeferred.increment();
		}
		ConsistencyTracker tracker = this.router.tracker();
		if (plan.reason() == RouteReason.GTID_CAUGHT_UP) {
			tracker.caughtUp.increment();
		}
		if (!plan.ignoredGtids().isEmpty()) {
			tracker.unexecutedIgnored.increment();
		}
		tellRouteListener(node, Route.REPLICA, plan.node().group(), plan.reason());
	}

	/** Side effects of a primary plan that succeeded. */
	private void recordPrimary(Plan.ToPrimary plan, RouteIntent intent, RoutingSettings settings, boolean afterWait,
			ReadAttempt unit, String primary) {
		this.router.counts().routed(primary, plan.reason());
		if (unit != null) {
			unit.usedPrimary(this.router);
		}
		if (plan.cause() != null) {
			this.router.counts().fellBack(plan.cause());
		}
		ConsistencyTracker tracker = this.router.tracker();
		if (plan.reason() == RouteReason.PINNED) {
			tracker.pinned.increment();
		}
		else if (plan.cause() == FallbackCause.CONSISTENCY && !afterWait) {
			tracker.primary.increment();
		}
		if (plan.sticky() == Plan.StickyUpdate.PRIMARY) {
			this.router.balancing().stickyPrimary.increment();
			ConsistencyContext.readFromPrimary();
		}
		if (intent.route() == Route.PRIMARY && !intent.inTransaction()
				&& intent.effectiveMode(settings) == ConsistencyMode.PIN) {
			// Work outside a transaction on the primary may write; pin mode cannot see its GTID.
			ConsistencyContext.recordWrite();
		}
		tellRouteListener(primary, Route.PRIMARY, null, plan.reason());
	}

	/**
	 * Tells the route listener, which is application code: if it throws, the checkout still
	 * succeeds (the connection would otherwise leak from its pool), and the first failure is logged.
	 */
	private void tellRouteListener(String node, Route route, @Nullable String group, RouteReason reason) {
		RouteListener listener = this.router.routeListener();
		if (listener == RouteListener.NONE) {
			// The usual case: no call through the interface on the hot path.
			return;
		}
		try {
			listener.routed(node, route, group, reason);
		}
		catch (RuntimeException ex) {
			if (ROUTE_LISTENER_FAILED.compareAndSet(false, true)) {
				logger.warn("rwsplit: a RouteListener threw while being told a connection went to '" + node
						+ "'; the connection was handed out regardless. (Reported once.)", ex);
			}
		}
	}

	private static void remember(RoutingContext.State state, Plan plan, String node, RouteReason reason) {
		state.lastPlan = plan;
		state.lastNode = node;
		state.lastReason = reason;
	}

	private static SQLException chain(SQLException failure, SQLException next) {
		if (failure == null) {
			return next;
		}
		failure.addSuppressed(next);
		return failure;
	}

	private static void close(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// The pool takes it back or discards it; the read goes on elsewhere.
		}
	}

	/** @return the target of a plan, for {@link ReadWriteRoutingDataSource#determineTargetDataSource()} */
	static String nodeOf(Plan plan, RoutingTopology topology) {
		return (plan instanceof Plan.ToReplica toReplica) ? toReplica.node().name() : topology.primary();
	}

}
