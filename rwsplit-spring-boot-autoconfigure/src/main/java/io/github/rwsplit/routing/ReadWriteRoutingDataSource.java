package io.github.rwsplit.routing;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.gtid.GtidStatements;
import io.github.rwsplit.gtid.WaitPermits;
import io.github.rwsplit.statement.SqlClassifier;

/**
 * Routes each new connection to the primary or to one replica, by the rules of
 * {@link RoutingContext}: explicit scope (innermost wins) &gt; transaction read-only flag &gt;
 * primary. Lookup keys are node names.
 *
 * <p>This class only decides; it must sit behind a
 * {@link org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy}, because a transaction
 * manager asks for its connection when the transaction begins, before the read-only flag and the
 * route are known. The proxy defers the real checkout to the first statement.
 *
 * <p>The decision reads only the current thread's state and an immutable {@link RoutingTopology}
 * snapshot: no locks, no logging, no allocation on the normal path. Beyond the lookup key it
 * owns three things, each on a degraded path only:
 * <ul>
 * <li>when the wanted group has no replica that qualifies, the {@link ReplicaFallback} decides:
 * the primary (at most {@code maxPrimaryReads} at once), a failure naming why each replica was
 * excluded, or a bounded wait for the topology to change;</li>
 * <li>while the topology says the primary is down, work routed there fails at once with the
 * reason, instead of waiting out the pool's connection timeout;</li>
 * <li>when a replica's pool cannot hand out a connection, the read is retried on another replica
 * (up to {@code checkoutRetries} times) and the {@link CheckoutFailureListener} is told, so the
 * replica leaves rotation at once.</li>
 * </ul>
 */
public class ReadWriteRoutingDataSource extends AbstractRoutingDataSource {

	private static final Object NO_REPLICA = new Object();

	private static final Object PRIMARY_DOWN = new Object();

	private static final Object GUARDED_PRIMARY = new Object();

	private final ReplicaSelector selector;

	private final List<ReplicaNode> replicas;

	/** Our own copy of the targets: {@code getResolvedDataSources()} allocates a view per call. */
	private final Map<Object, DataSource> targets;

	private final DataSource noReplica = new FailingDataSource(this::noReplicaMessage);

	private final DataSource primaryDown = new FailingDataSource(this::primaryDownMessage);

	private final GuardedDataSource guardedPrimary;

	private final Object topologyChanged = new Object();

	private volatile RoutingTopology topology;

	private volatile ReplicaFallback fallback = ReplicaFallback.unguardedPrimary();

	private volatile CheckoutFailureListener checkoutFailures = CheckoutFailureListener.NONE;

	private volatile int checkoutRetries = 2;

	private volatile ConsistencySettings consistency = ConsistencySettings.eventual();

	private final ConsistencyTracker tracker;

	private final RouteCounts counts;

	private volatile ConsistencyWaitRecorder waitRecorder = ConsistencyWaitRecorder.NONE;

	private volatile boolean sticky;

	private volatile Route autocommitReads = Route.PRIMARY;

	private volatile SqlClassifier classifier;

	private volatile long slowStartNanos;

	private final BalancingCounts balancing = new BalancingCounts();

	private final String id;

	private final WaitPermits waitPermits;

	/**
	 * Creates a router with a random id.
	 * @param primary the primary's node name
	 * @param primaryDataSource the primary's pool
	 * @param replicas every configured replica, in rotation or not
	 * @param topology the initial snapshot of replicas in rotation
	 * @param selector the load-balancing strategy
	 */
	public ReadWriteRoutingDataSource(String primary, DataSource primaryDataSource, List<ReplicaNode> replicas,
			RoutingTopology topology, ReplicaSelector selector) {
		this(java.util.UUID.randomUUID().toString(), primary, primaryDataSource, replicas, topology, selector);
	}

	/**
	 * Creates a router.
	 * @param id the id its replica pools pass to {@link ReadOnlyRouteExceptionInterceptor}
	 * @param primary the primary's node name
	 * @param primaryDataSource the primary's pool
	 * @param replicas every configured replica, in rotation or not
	 * @param topology the initial snapshot of replicas in rotation
	 * @param selector the load-balancing strategy
	 */
	public ReadWriteRoutingDataSource(String id, String primary, DataSource primaryDataSource,
			List<ReplicaNode> replicas, RoutingTopology topology, ReplicaSelector selector) {
		this(id, primary, primaryDataSource, replicas, topology, selector,
				new WaitPermits(WaitPermits.DEFAULT_MAX_PER_NODE));
	}

	/**
	 * Creates a router.
	 * @param id the id its replica pools pass to {@link ReadOnlyRouteExceptionInterceptor}
	 * @param primary the primary's node name
	 * @param primaryDataSource the primary's pool
	 * @param replicas every configured replica, in rotation or not
	 * @param topology the initial snapshot of replicas in rotation
	 * @param selector the load-balancing strategy
	 * @param waitPermits caps rwsplit's own waits on each replica; shared with the write barrier
	 */
	public ReadWriteRoutingDataSource(String id, String primary, DataSource primaryDataSource,
			List<ReplicaNode> replicas, RoutingTopology topology, ReplicaSelector selector, WaitPermits waitPermits) {
		this.waitPermits = Objects.requireNonNull(waitPermits, "waitPermits");
		this.id = Objects.requireNonNull(id, "id");
		this.tracker = ConsistencyTracker.of(id);
		this.tracker.setRecordsSessions(false);
		this.selector = Objects.requireNonNull(selector, "selector");
		this.topology = Objects.requireNonNull(topology, "topology");
		this.replicas = List.copyOf(replicas);
		Map<Object, Object> targets = new LinkedHashMap<>();
		targets.put(primary, primaryDataSource);
		for (ReplicaNode replica : replicas) {
			targets.put(replica.name(), replica.dataSource());
		}
		setTargetDataSources(targets);
		setLenientFallback(false);
		afterPropertiesSet();
		this.targets = new HashMap<>(getResolvedDataSources());
		this.guardedPrimary = new GuardedDataSource(primaryDataSource);
		List<String> nodes = new java.util.ArrayList<>();
		nodes.add(primary);
		replicas.forEach((replica) -> nodes.add(replica.name()));
		this.counts = new RouteCounts(nodes);
	}

	@Override
	protected Object determineCurrentLookupKey() {
		RoutingContext.State state = RoutingContext.state();
		RoutingTopology current = this.topology;
		Route statementRoute = state.statementRoute;
		boolean inTransaction = statementRoute == null && TransactionSynchronizationManager.isActualTransactionActive();
		RoutingContext.TransactionRoute transaction = inTransaction ? RoutingContext.live(state.transaction) : null;
		Route route;
		String group;
		long maxLagNanos;
		ConsistencyMode mode = null;
		RouteReason reason;
		if (statementRoute != null) {
			// A statement-routed connection (autocommit-reads) asks for one node for its statements.
			route = statementRoute;
			group = null;
			maxLagNanos = -1;
			reason = state.statementReason;
		}
		else if (transaction != null) {
			route = transaction.route;
			group = transaction.group;
			maxLagNanos = transaction.maxLagNanos;
			mode = transaction.consistency;
			reason = transaction.reason;
		}
		else {
			if (inTransaction) {
				// The transaction manager did not say when this transaction began: decide now.
				RoutingDiagnostics.transactionWithoutListener();
			}
			RoutingContext.Scope scope = state.scope;
			if (scope != null) {
				scope.tookEffect = true;
				route = scope.route;
				group = scope.group;
				maxLagNanos = scope.maxLagNanos;
				mode = scope.consistency;
				reason = RouteReason.ANNOTATION;
			}
			else if (inTransaction && TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
				route = Route.REPLICA;
				group = null;
				maxLagNanos = -1;
				reason = RouteReason.READ_ONLY_TRANSACTION;
			}
			else {
				route = Route.PRIMARY;
				group = null;
				maxLagNanos = -1;
				reason = RouteReason.DEFAULT;
			}
		}
		state.lastGroup = group;
		state.lastMaxLagNanos = maxLagNanos;
		state.lastReplica = false;
		state.lastReason = reason;
		state.waitFor = null;
		state.stickyCatchUp = false;
		state.consistencyFallback = false;
		if (state.beginning) {
			// A connection is being fetched while a transaction begins: its read-only flag is not
			// known yet, so the lazy proxy has been defeated (something touched the connection early).
			RoutingDiagnostics.earlyCheckout();
		}
		ConsistencySettings settings = this.consistency;
		if (mode == null) {
			mode = settings.mode();
		}
		if (route == Route.REPLICA) {
			List<ReplicaNode> candidates = qualifying(current.replicas(group), maxLagNanos);
			if (mode != ConsistencyMode.EVENTUAL && !candidates.isEmpty()) {
				candidates = readYourWrites(candidates, mode, settings, state);
				if (candidates == null) {
					state.lastNode = current.primary();
					return (current.primaryDownReason() != null) ? PRIMARY_DOWN : primaryForReadsKey(current);
				}
			}
			if (!candidates.isEmpty()) {
				ReplicaNode chosen = choose(candidates, state);
				if (chosen == null) {
					return stickyOnPrimary(current, state);
				}
				state.lastNode = chosen.name();
				state.lastReplica = true;
				return chosen.name();
			}
			state.lastReason = RouteReason.FALLBACK;
			Object fallbackKey = fallback(current, group, maxLagNanos);
			if (fallbackKey != null) {
				state.lastNode = current.primary();
				return fallbackKey;
			}
			current = this.topology;
			candidates = qualifying(current.replicas(group), maxLagNanos);
			if (candidates.isEmpty()) {
				// The replica that ended the wait left rotation again already.
				state.lastNode = current.primary();
				return NO_REPLICA;
			}
			// The wait policy found a replica: the read did not fall back.
			ReplicaNode chosen = choose(candidates, state);
			if (chosen == null) {
				return stickyOnPrimary(current, state);
			}
			state.lastNode = chosen.name();
			state.lastReplica = true;
			state.lastReason = reason;
			return chosen.name();
		}
		if (mode == ConsistencyMode.PIN && transaction == null) {
			// Work outside a transaction on the primary may write; pin mode cannot see its GTID.
			ConsistencyContext.recordWrite();
		}
		state.lastNode = current.primary();
		return (current.primaryDownReason() != null) ? PRIMARY_DOWN : current.primary();
	}

	/**
	 * Picks the replica for a read from candidates that all qualify: the session's own when
	 * replicas are sticky, else the balancer's choice shaped by slow start.
	 * @return the replica, or {@code null} when a sticky session must read from the primary
	 */
	private ReplicaNode choose(List<ReplicaNode> candidates, RoutingContext.State state) {
		return this.sticky ? chooseSticky(candidates, state) : balance(candidates);
	}

	private ReplicaNode balance(List<ReplicaNode> candidates) {
		ReplicaNode chosen = (candidates.size() == 1) ? candidates.get(0) : this.selector.select(candidates);
		return (chosen.slowStartSinceNanos() != 0) ? slowStart(candidates, chosen) : chosen;
	}

	/**
	 * A replica ramping up after entering rotation keeps the balancer's choice with probability
	 * (time in rotation / slow-start window); otherwise the read goes to one of the replicas that
	 * are not ramping, at random. Deflecting at random rather than asking the balancer again keeps
	 * stateful balancers (round-robin) from being skewed: the ramping replica gets exactly that
	 * fraction of what its policy would give it. No allocation.
	 */
	private ReplicaNode slowStart(List<ReplicaNode> candidates, ReplicaNode chosen) {
		long window = this.slowStartNanos;
		long now = System.nanoTime();
		long elapsed = now - chosen.slowStartSinceNanos();
		java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
		if (window <= 0 || elapsed >= window || candidates.size() == 1 || random.nextLong(window) < elapsed) {
			return chosen;
		}
		int size = candidates.size();
		int others = 0;
		for (int i = 0; i < size; i++) {
			if (fullyInRotation(candidates.get(i), chosen, now, window)) {
				others++;
			}
		}
		if (others == 0) {
			return chosen;
		}
		this.balancing.slowStartDeferred.increment();
		int pick = random.nextInt(others);
		for (int i = 0; i < size; i++) {
			ReplicaNode candidate = candidates.get(i);
			if (fullyInRotation(candidate, chosen, now, window) && pick-- == 0) {
				return candidate;
			}
		}
		return chosen;
	}

	private static boolean fullyInRotation(ReplicaNode candidate, ReplicaNode chosen, long now, long window) {
		return candidate != chosen
				&& (candidate.slowStartSinceNanos() == 0 || now - candidate.slowStartSinceNanos() >= window);
	}

	/**
	 * Sticky replicas: the session's replica while it qualifies. When it does not (or the session
	 * last read from the primary), the session has seen at most what the primary has now: the read
	 * goes to the candidate least far behind, which must first apply the primary's executed set
	 * (read at checkout), or the read goes to the primary. So the session never sees time go back.
	 * A candidate further behind than the consistency wait timeout is not waited on.
	 */
	private ReplicaNode chooseSticky(List<ReplicaNode> candidates, RoutingContext.State state) {
		ConsistencyToken token = ConsistencyContext.currentToken();
		String sticky = token.replica();
		if (token.observedMillis() == 0) {
			if (sticky == null) {
				ReplicaNode chosen = balance(candidates);
				this.balancing.stickyAssigned.increment();
				ConsistencyContext.stickTo(chosen.name());
				return chosen;
			}
			int size = candidates.size();
			for (int i = 0; i < size; i++) {
				ReplicaNode candidate = candidates.get(i);
				if (candidate.name().equals(sticky)) {
					this.balancing.stickyHits.increment();
					return candidate;
				}
			}
		}
		ReplicaNode closest = null;
		for (ReplicaNode candidate : candidates) {
			long lag = candidate.lagNanos();
			if (closest == null || (lag >= 0 && (closest.lagNanos() < 0 || lag < closest.lagNanos()))) {
				closest = candidate;
			}
		}
		if (closest.lagNanos() > this.consistency.waitTimeout().toNanos()) {
			// Not expected to catch up within a wait: no round trips, the primary serves.
			this.balancing.stickyPrimary.increment();
			ConsistencyContext.readFromPrimary();
			return null;
		}
		// Catching up with the primary covers the session's own writes too.
		state.waitFor = null;
		state.stickyCatchUp = true;
		return closest;
	}

	/** A sticky session reads from the primary until a replica has caught up with it. */
	private Object stickyOnPrimary(RoutingTopology current, RoutingContext.State state) {
		state.waitFor = null;
		state.lastReason = RouteReason.FALLBACK;
		state.consistencyFallback = true;
		state.lastNode = current.primary();
		return (current.primaryDownReason() != null) ? PRIMARY_DOWN : primaryForReadsKey(current);
	}

	/**
	 * Moves a sticky session to a replica: waits on it until it has applied what the primary has
	 * executed now, bounded by the consistency wait timeout; otherwise the read goes to the primary.
	 * Two round trips (the primary, then the replica), on this degraded path only. When the primary
	 * cannot be asked, the session moves without the check, rather than fail its read.
	 */
	private Connection catchUpOrPrimary(Connection replica) throws SQLException {
		RoutingContext.State state = RoutingContext.state();
		state.stickyCatchUp = false;
		RoutingTopology current = this.topology;
		GtidSet primaryNow;
		try (Connection primary = this.targets.get(current.primary()).getConnection()) {
			primaryNow = GtidStatements.executed(primary);
		}
		catch (SQLException | IllegalArgumentException ex) {
			this.balancing.stickyMoved.increment();
			ConsistencyContext.stickTo(state.lastNode);
			return replica;
		}
		if (primaryNow.isEmpty() || applied(replica, primaryNow)) {
			this.balancing.stickyMoved.increment();
			ConsistencyContext.stickTo(state.lastNode);
			return replica;
		}
		replica.close();
		this.balancing.stickyPrimary.increment();
		ConsistencyContext.readFromPrimary();
		state.consistencyFallback = true;
		state.lastNode = current.primary();
		state.lastReplica = false;
		state.lastReason = RouteReason.FALLBACK;
		return primaryForReads(current).getConnection();
	}

	/** Whether a replica applies a GTID set within the consistency wait timeout. */
	private boolean applied(Connection replica, GtidSet gtids) {
		try {
			return GtidStatements.awaitApplied(replica, gtids, this.consistency.waitTimeout().toMillis());
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/** Reads sent to the primary count against the fallback cap, whatever sent them there. */
	private Object primaryForReadsKey(RoutingTopology current) {
		ReplicaFallback policy = this.fallback;
		return (policy.policy() == ReplicaFallback.Policy.PRIMARY && policy.maxPrimaryReads() != Integer.MAX_VALUE)
				? GUARDED_PRIMARY : current.primary();
	}

	private DataSource primaryForReads(RoutingTopology current) {
		if (current.primaryDownReason() != null) {
			return this.primaryDown;
		}
		Object key = primaryForReadsKey(current);
		return (key == GUARDED_PRIMARY) ? this.guardedPrimary : this.targets.get(key);
	}

	/**
	 * Narrows the candidates to those that can show the session its own writes.
	 * @return the candidates to choose from (one, with {@code state.waitFor} set, when the read
	 * must wait for the replica to catch up), or {@code null} to read from the primary
	 */
	private List<ReplicaNode> readYourWrites(List<ReplicaNode> candidates, ConsistencyMode mode,
			ConsistencySettings settings, RoutingContext.State state) {
		ConsistencyToken token = ConsistencyContext.currentToken();
		if (mode == ConsistencyMode.PIN) {
			long lastWrite = token.lastWriteMillis();
			long margin = settings.pinMargin().toMillis();
			if (lastWrite == 0 || System.currentTimeMillis() - lastWrite >= settings.pinDuration().toMillis() + margin) {
				return candidates;
			}
			// Safe sooner when every candidate was measured, after the write, to have everything up to it:
			// measured at t with lag L, a replica has all commits up to t - L. The margin covers the
			// monitor understating lag (by up to one primary interval) and write times recorded early.
			long needed = lastWrite + margin;
			for (int i = 0; i < candidates.size(); i++) {
				ReplicaNode candidate = candidates.get(i);
				long lag = candidate.lagNanos();
				if (lag < 0 || candidate.measuredAtMillis() - lag / 1_000_000 < needed) {
					this.tracker.pinned.increment();
					state.lastReason = RouteReason.PINNED;
					return null;
				}
			}
			return candidates;
		}
		GtidSet required = (mode == ConsistencyMode.GLOBAL) ? this.tracker.newest().union(token.gtids()) : token.gtids();
		if (required.isEmpty()) {
			return candidates;
		}
		List<ReplicaNode> caughtUp = null;
		int size = candidates.size();
		int have = 0;
		for (int i = 0; i < size; i++) {
			GtidSet executed = candidates.get(i).gtidExecuted();
			if (executed != null && executed.contains(required)) {
				have++;
			}
		}
		if (have == size) {
			caughtUp = candidates;
		}
		else if (have > 0) {
			caughtUp = new java.util.ArrayList<>(have);
			for (int i = 0; i < size; i++) {
				GtidSet executed = candidates.get(i).gtidExecuted();
				if (executed != null && executed.contains(required)) {
					caughtUp.add(candidates.get(i));
				}
			}
		}
		if (caughtUp != null) {
			this.tracker.caughtUp.increment();
			state.lastReason = RouteReason.GTID_CAUGHT_UP;
			return caughtUp;
		}
		if (required == state.waitedInVain) {
			// None has it yet and this session already waited in vain for exactly this: don't wait
			// again at every checkout (a replica known to have caught up is still used, above).
			this.tracker.primary.increment();
			state.lastReason = RouteReason.FALLBACK;
			state.consistencyFallback = true;
			return null;
		}
		// None known to have it yet: wait on the replica least far behind, if it should catch up in time.
		ReplicaNode closest = null;
		for (int i = 0; i < size; i++) {
			ReplicaNode candidate = candidates.get(i);
			if (candidate.lagNanos() >= 0 && (closest == null || candidate.lagNanos() < closest.lagNanos())) {
				closest = candidate;
			}
		}
		if (closest == null || closest.lagNanos() > settings.waitTimeout().toNanos()) {
			this.tracker.primary.increment();
			state.lastReason = RouteReason.FALLBACK;
			state.consistencyFallback = true;
			return null;
		}
		state.waitFor = required;
		state.lastReason = RouteReason.GTID_WAIT;
		return List.of(closest);
	}

	/**
	 * The candidates within a lag budget (a replica of unknown lag never qualifies). The same list
	 * when all qualify, which is the usual case; a new one only when the budget excludes some.
	 */
	private static List<ReplicaNode> qualifying(List<ReplicaNode> candidates, long maxLagNanos) {
		if (maxLagNanos < 0) {
			return candidates;
		}
		int size = candidates.size();
		int first = 0;
		while (first < size && within(candidates.get(first), maxLagNanos)) {
			first++;
		}
		if (first == size) {
			return candidates;
		}
		List<ReplicaNode> qualifying = new java.util.ArrayList<>(size - 1);
		for (int i = 0; i < size; i++) {
			if (within(candidates.get(i), maxLagNanos)) {
				qualifying.add(candidates.get(i));
			}
		}
		return qualifying;
	}

	private static boolean within(ReplicaNode candidate, long maxLagNanos) {
		long lag = candidate.lagNanos();
		return lag >= 0 && lag <= maxLagNanos;
	}

	/**
	 * Applies the fallback policy.
	 * @return the lookup key to use, or {@code null} when a replica qualifies after waiting
	 */
	private Object fallback(RoutingTopology current, String group, long maxLagNanos) {
		ReplicaFallback policy = this.fallback;
		switch (policy.policy()) {
			case PRIMARY:
				if (current.primaryDownReason() != null) {
					return NO_REPLICA;
				}
				return (policy.maxPrimaryReads() == Integer.MAX_VALUE) ? current.primary() : GUARDED_PRIMARY;
			case WAIT:
				return awaitReplica(group, maxLagNanos, policy.waitTimeout().toNanos()) ? null : NO_REPLICA;
			default:
				return NO_REPLICA;
		}
	}

	private boolean awaitReplica(String group, long maxLagNanos, long timeoutNanos) {
		long deadline = System.nanoTime() + timeoutNanos;
		synchronized (this.topologyChanged) {
			while (qualifying(this.topology.replicas(group), maxLagNanos).isEmpty()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				try {
					this.topologyChanged.wait(Math.max(1, left / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return true;
		}
	}

	@Override
	protected DataSource determineTargetDataSource() {
		Object key = determineCurrentLookupKey();
		if (key == NO_REPLICA) {
			return this.noReplica;
		}
		if (key == PRIMARY_DOWN) {
			return this.primaryDown;
		}
		if (key == GUARDED_PRIMARY) {
			return this.guardedPrimary;
		}
		DataSource target = this.targets.get(key);
		if (target == null) {
			throw new IllegalStateException("No node named '" + key + "'; nodes are " + this.targets.keySet());
		}
		return target;
	}

	@Override
	public Connection getConnection() throws SQLException {
		RoutingContext.State routing = RoutingContext.state();
		if (routing.statementRoute == null && routesStatements(routing)) {
			return StatementRoutingConnection.open(this, this.classifier);
		}
		SQLException failure = null;
		int retries = this.checkoutRetries;
		for (int attempt = 0;; attempt++) {
			DataSource target = determineTargetDataSource();
			try {
				Connection connection = target.getConnection();
				RoutingContext.State state = RoutingContext.state();
				if (state.stickyCatchUp) {
					connection = catchUpOrPrimary(connection);
				}
				else if (state.waitFor != null) {
					connection = awaitWritesOrPrimary(connection, state.waitFor);
				}
				this.counts.routed(state.lastNode, state.lastReason);
				if (state.lastReason == RouteReason.FALLBACK) {
					this.counts.fellBack(state.consistencyFallback ? RouteCounts.FallbackCause.CONSISTENCY
							: RouteCounts.FallbackCause.NO_REPLICA);
				}
				return connection;
			}
			catch (SQLException ex) {
				RoutingContext.State state = RoutingContext.state();
				// The guard may trip here or after a read-your-writes wait that sent the read to the primary.
				boolean guardTripped = ex instanceof PrimaryReadsCapReached;
				if (guardTripped) {
					this.counts.fellBack(RouteCounts.FallbackCause.GUARD_TRIPPED);
				}
				else if (target == this.noReplica) {
					this.counts.fellBack(RouteCounts.FallbackCause.FAILED);
				}
				else if (target != this.primaryDown) {
					this.checkoutFailures.checkoutFailed(state.lastNode, ex);
				}
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
				// Only a read that had found a replica may move: before its first statement, to another.
				if (guardTripped || !state.lastReplica || attempt >= retries) {
					if (!guardTripped && state.lastReplica) {
						// Replicas qualified, but none gave a connection.
						this.counts.fellBack(RouteCounts.FallbackCause.FAILED);
					}
					throw failure;
				}
				this.counts.retriedCheckout();
			}
		}
	}

	/**
	 * Whether work outside any transaction and routing scope is routed statement by statement
	 * ({@code rwsplit.routing.autocommit-reads=replica}, or {@code @AutocommitReads} in force).
	 * Reads a field, and the transaction state only when the mode is on.
	 */
	private boolean routesStatements(RoutingContext.State state) {
		Route mode = (state.autocommitReads != null) ? state.autocommitReads : this.autocommitReads;
		return mode == Route.REPLICA && state.scope == null && this.classifier != null
				&& !TransactionSynchronizationManager.isActualTransactionActive();
	}

	/**
	 * A connection to one node for a statement-routed connection: routed by the same rules as a
	 * transaction's (groups, lag, read-your-writes, fallback) and counted with the statement's reason.
	 * @param route the node's role
	 * @param reason why, for the route metric
	 * @return the connection
	 * @throws SQLException when no node can give one
	 */
	Connection connect(Route route, RouteReason reason) throws SQLException {
		RoutingContext.State state = RoutingContext.state();
		state.statementRoute = route;
		state.statementReason = reason;
		try {
			return getConnection();
		}
		finally {
			state.statementRoute = null;
			state.statementReason = null;
		}
	}

	/**
	 * Sets where statements outside transactions go: {@link Route#PRIMARY} (all of them, the
	 * default) or {@link Route#REPLICA} (each classified: reads to a replica, everything else to the
	 * primary).
	 * @param autocommitReads the mode
	 * @param classifier classifies statements; required for {@link Route#REPLICA}
	 */
	public void setAutocommitReads(Route autocommitReads, SqlClassifier classifier) {
		if (autocommitReads == Route.REPLICA && classifier == null) {
			throw new IllegalArgumentException("routing autocommit reads to replicas needs a classifier");
		}
		this.classifier = classifier;
		this.autocommitReads = Objects.requireNonNull(autocommitReads, "autocommitReads");
	}

	/** @return where statements outside transactions go by default */
	public Route getAutocommitReads() {
		return this.autocommitReads;
	}

	/** @return the statement classifier, or {@code null} when statements are not classified */
	public SqlClassifier getClassifier() {
		return this.classifier;
	}

	/**
	 * Waits on a replica connection until the replica has applied the session's writes, bounded by
	 * the wait timeout; on timeout (or any failure of the wait) the read goes to the primary. One
	 * round trip on the replica, before the read's first statement.
	 */
	private Connection awaitWritesOrPrimary(Connection replica, GtidSet waitFor) throws SQLException {
		RoutingContext.State state = RoutingContext.state();
		state.waitFor = null;
		long started = System.nanoTime();
		try {
			if (GtidStatements.awaitApplied(replica, waitFor, this.consistency.waitTimeout().toMillis())) {
				this.tracker.waited.increment();
				this.waitRecorder.waited(System.nanoTime() - started, true);
				return replica;
			}
		}
		catch (SQLException ex) {
			// A wait that fails is a wait that did not succeed: read from the primary.
			if (ex.getSQLState() != null && ex.getSQLState().startsWith("08")) {
				this.checkoutFailures.connectionLost(state.lastNode, ex);
			}
		}
		this.tracker.waitTimedOut.increment();
		this.waitRecorder.waited(System.nanoTime() - started, false);
		state.waitedInVain = waitFor;
		state.consistencyFallback = true;
		replica.close();
		RoutingTopology current = this.topology;
		state.lastNode = current.primary();
		state.lastReplica = false;
		state.lastReason = RouteReason.FALLBACK;
		return primaryForReads(current).getConnection();
	}

	private String noReplicaMessage() {
		RoutingContext.State state = RoutingContext.state();
		RoutingTopology current = this.topology;
		String group = (state.lastGroup != null) ? state.lastGroup : current.defaultGroup();
		StringBuilder message = new StringBuilder("rwsplit: no replica of group '").append(group)
			.append("' can serve this read");
		if (state.lastMaxLagNanos >= 0) {
			message.append(" within its lag budget of ").append(state.lastMaxLagNanos / 1_000_000).append(" ms");
		}
		message.append(" (fallback policy ").append(this.fallback.policy().name().toLowerCase(java.util.Locale.ROOT));
		if (this.fallback.policy() == ReplicaFallback.Policy.WAIT) {
			message.append(", waited ").append(this.fallback.waitTimeout().toMillis()).append(" ms");
		}
		if (this.fallback.policy() == ReplicaFallback.Policy.PRIMARY && current.primaryDownReason() != null) {
			message.append(", and the primary is down: ").append(current.primaryDownReason());
		}
		message.append(").");
		boolean any = false;
		for (ReplicaNode replica : this.replicas) {
			if (replica.group().equals(group)) {
				message.append(any ? ";" : "").append(' ').append(replica.name()).append(": ")
					.append(describe(current, replica));
				any = true;
			}
		}
		if (!any) {
			message.append(" The group has no replicas.");
		}
		return message.toString();
	}

	private static String describe(RoutingTopology current, ReplicaNode replica) {
		for (RoutingTopology.Exclusion exclusion : current.exclusions()) {
			if (exclusion.name().equals(replica.name())) {
				return exclusion.state() + " (" + exclusion.reason() + ")";
			}
		}
		for (ReplicaNode inRotation : current.replicas()) {
			if (inRotation.name().equals(replica.name())) {
				return (inRotation.lagNanos() < 0) ? "in rotation, lag unknown"
						: "in rotation, lag " + inRotation.lagNanos() / 1_000_000 + " ms";
			}
		}
		return "out of rotation";
	}

	private String primaryDownMessage() {
		return "rwsplit: the primary '" + this.topology.primary() + "' is down (" + this.topology.primaryDownReason()
				+ "); work that needs the primary fails at once until it answers again.";
	}

	/**
	 * Publishes a new snapshot; connections routed afterwards use it. Wakes reads waiting for a
	 * replica under the {@code wait} fallback.
	 * @param topology the new snapshot
	 * @throws IllegalArgumentException when it names a node this router does not have
	 */
	public void setTopology(RoutingTopology topology) {
		Objects.requireNonNull(topology, "topology");
		if (!this.targets.containsKey(topology.primary())) {
			throw new IllegalArgumentException("Unknown primary '" + topology.primary() + "'; nodes are " + this.targets.keySet());
		}
		for (ReplicaNode replica : topology.replicas()) {
			if (!this.targets.containsKey(replica.name())) {
				throw new IllegalArgumentException("Unknown replica '" + replica.name() + "'; nodes are " + this.targets.keySet());
			}
		}
		synchronized (this.topologyChanged) {
			this.topology = topology;
			this.topologyChanged.notifyAll();
		}
	}

	/** @return the snapshot reads use now */
	public RoutingTopology getTopology() {
		return this.topology;
	}

	/** @return every configured replica, in rotation or not, without lag */
	public List<ReplicaNode> getReplicas() {
		return this.replicas;
	}

	/** @return the groups of the configured replicas */
	public Set<String> getConfiguredGroups() {
		Set<String> groups = new TreeSet<>();
		this.replicas.forEach((replica) -> groups.add(replica.group()));
		return groups;
	}

	/** @param fallback what reads do when no replica qualifies */
	public void setFallback(ReplicaFallback fallback) {
		this.fallback = Objects.requireNonNull(fallback, "fallback");
	}

	/** @return what reads do when no replica qualifies */
	public ReplicaFallback getFallback() {
		return this.fallback;
	}

	/**
	 * Sets who is told when a node's pool refuses a connection, or a replica connection is lost
	 * mid-statement (for replica pools that carry this router's {@link #getId() id}).
	 * @param listener the listener
	 */
	public void setCheckoutFailureListener(CheckoutFailureListener listener) {
		this.checkoutFailures = Objects.requireNonNull(listener, "listener");
		ConnectionFailureSignals.register(this.id, listener);
	}

	/**
	 * @return this router's id, which its replica pools pass to
	 * {@link ReadOnlyRouteExceptionInterceptor} as {@value ConnectionFailureSignals#ROUTER_PROPERTY}
	 */
	public String getId() {
		return this.id;
	}

	/** @return the caps on rwsplit's own waits per replica, shared by this router and the write barrier */
	public WaitPermits getWaitPermits() {
		return this.waitPermits;
	}

	/** Stops forwarding connection failures; called when the DataSource closes. */
	public void close() {
		ConnectionFailureSignals.unregister(this.id);
		ConsistencyTracker.remove(this.id);
		ResponseTime.remove(this.id);
	}

	/** @param checkoutRetries how many other replicas a read tries when a replica refuses a connection */
	public void setCheckoutRetries(int checkoutRetries) {
		if (checkoutRetries < 0) {
			throw new IllegalArgumentException("checkoutRetries must not be negative, was " + checkoutRetries);
		}
		this.checkoutRetries = checkoutRetries;
	}

	/** @param consistency how reads see their session's writes */
	public void setConsistency(ConsistencySettings consistency) {
		this.consistency = Objects.requireNonNull(consistency, "consistency");
		this.tracker.setRecordsSessions(consistency.mode() != ConsistencyMode.EVENTUAL);
	}

	/** @return how reads see their session's writes */
	public ConsistencySettings getConsistency() {
		return this.consistency;
	}

	/**
	 * Keeps each session's reads on the replica it first read from while that replica qualifies;
	 * when it does not, moves the session only to a replica known to be at least as far along.
	 * @param sticky whether replicas are sticky
	 */
	public void setStickyReplicas(boolean sticky) {
		this.sticky = sticky;
	}

	/** @return whether each session's reads stay on one replica */
	public boolean isStickyReplicas() {
		return this.sticky;
	}

	/**
	 * Sets how long a replica entering rotation takes to reach its full share of new reads.
	 * @param window the ramp, zero for none
	 */
	public void setSlowStart(java.time.Duration window) {
		if (window == null || window.isNegative()) {
			throw new IllegalArgumentException("the slow-start window must be zero or positive, was " + window);
		}
		this.slowStartNanos = window.toNanos();
	}

	/** @return how long a replica entering rotation takes to reach its full share of new reads */
	public java.time.Duration getSlowStart() {
		return java.time.Duration.ofNanos(this.slowStartNanos);
	}

	/**
	 * The share of reads a replica gets now relative to its full share, under slow start.
	 * @param replica a replica in rotation
	 * @return between 0 and 1; 1 when it is not ramping
	 */
	public double slowStartShare(ReplicaNode replica) {
		long window = this.slowStartNanos;
		if (replica.slowStartSinceNanos() == 0 || window <= 0) {
			return 1.0;
		}
		return Math.min(1.0, (double) (System.nanoTime() - replica.slowStartSinceNanos()) / window);
	}

	/**
	 * The share of reads a replica gets now relative to its full share.
	 * @param replica a replica's name
	 * @return between 0 and 1; 1 when it is not ramping, 0 when it is out of rotation
	 */
	public double slowStartShare(String replica) {
		for (ReplicaNode node : this.topology.replicas()) {
			if (node.name().equals(replica)) {
				return slowStartShare(node);
			}
		}
		return 0;
	}

	/** @return how sticky replicas and slow start shaped reads */
	public BalancingCounts getBalancingCounts() {
		return this.balancing;
	}

	/** @return connections handed out per node and reason, and fallbacks per cause */
	public RouteCounts getRouteCounts() {
		return this.counts;
	}

	/** @param recorder told how long each read-your-writes wait took */
	public void setConsistencyWaitRecorder(ConsistencyWaitRecorder recorder) {
		this.waitRecorder = Objects.requireNonNull(recorder, "recorder");
	}

	/** @return how reads with something to see were served */
	public ConsistencyTracker getConsistencyTracker() {
		return this.tracker;
	}

	/** @return the number of reads running on the primary now because no replica qualified */
	public int getPrimaryFallbackReads() {
		return this.guardedPrimary.inFlight.get();
	}

	/**
	 * The node the current thread's last connection was routed to, and why. Meant for error
	 * messages and diagnostics on the same thread, not for routing.
	 * @return the node name, or {@code null} if this thread has not been routed yet
	 */
	public static String lastRoutedNode() {
		return RoutingContext.state().lastNode;
	}

	/**
	 * @return why the current thread's last connection went where it did, or {@code null}
	 */
	public static RouteReason lastRouteReason() {
		return RoutingContext.state().lastReason;
	}

	/** A target that refuses every checkout with a message that explains why. */
	private static final class FailingDataSource extends AbstractDataSource {

		private final java.util.function.Supplier<String> message;

		FailingDataSource(java.util.function.Supplier<String> message) {
			this.message = message;
		}

		@Override
		public Connection getConnection() throws SQLException {
			throw new SQLTransientConnectionException(this.message.get(), "08001");
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

	}

	/**
	 * The primary, for reads that fell back to it: counts them while their connections are open
	 * and refuses beyond the fallback's cap.
	 */
	private final class GuardedDataSource extends AbstractDataSource {

		private final DataSource primary;

		private final AtomicInteger inFlight = new AtomicInteger();

		GuardedDataSource(DataSource primary) {
			this.primary = primary;
		}

		@Override
		public Connection getConnection() throws SQLException {
			int cap = ReadWriteRoutingDataSource.this.fallback.maxPrimaryReads();
			if (this.inFlight.incrementAndGet() > cap) {
				this.inFlight.decrementAndGet();
				throw new PrimaryReadsCapReached(noReplicaMessage() + " The primary already serves " + cap
						+ " fallback reads (rwsplit.fallback.max-primary-reads); failing fast to protect it.");
			}
			try {
				return release(this.primary.getConnection());
			}
			catch (SQLException | RuntimeException ex) {
				this.inFlight.decrementAndGet();
				throw ex;
			}
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

		private Connection release(Connection target) {
			AtomicBoolean released = new AtomicBoolean();
			return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						switch (method.getName()) {
							case "close":
								if (released.compareAndSet(false, true)) {
									this.inFlight.decrementAndGet();
								}
								break;
							case "equals":
								return proxy == args[0];
							case "hashCode":
								return System.identityHashCode(proxy);
							case "unwrap":
								if (((Class<?>) args[0]).isInstance(proxy)) {
									return proxy;
								}
								break;
							default:
						}
						try {
							return method.invoke(target, args);
						}
						catch (java.lang.reflect.InvocationTargetException ex) {
							throw ex.getTargetException();
						}
					});
		}

	}

	/** A fallback read refused because the primary already serves max-primary-reads of them. */
	private static final class PrimaryReadsCapReached extends SQLTransientConnectionException {

		private static final long serialVersionUID = 1L;

		PrimaryReadsCapReached(String message) {
			super(message, "08001");
		}

	}

}
