package io.github.rwsplit.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.gtid.WaitPermits;
import io.github.rwsplit.statement.SqlClassifier;

/**
 * Routes each new connection to the primary or to one replica, by the rules of
 * {@link RoutingContext}: explicit scope (innermost wins) &gt; transaction read-only flag &gt;
 * primary. Lookup keys are node names.
 *
 * <p>This class only wires the steps together; it must sit behind a
 * {@link org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy}, because a transaction
 * manager asks for its connection when the transaction begins, before the read-only flag and the
 * route are known. The proxy defers the real checkout to the first statement. Then:
 * <ol>
 * <li>what the work needs is resolved from the thread's scopes and transactions
 * ({@code IntentResolver}: reads only);</li>
 * <li>a plan is made over the latest immutable {@link RoutingTopology} snapshot
 * ({@code ReplicaPlanner}: group, lag budget, read-your-writes, sticky replica, balancer with slow
 * start, fallback policy; no I/O, no side effects);</li>
 * <li>one step carries it out ({@code Checkout}): a primary the monitor knows is down fails at
 * once; a replica whose pool refuses is excluded and the work planned again; preconditions
 * (read-your-writes waits, a sticky session's catch-up) run bounded on the server and the client;
 * and only after success are the session's sticky replica, the counters and the plan recorded.</li>
 * </ol>
 * {@link #determineCurrentLookupKey()} plans without acting and names the node, for callers of
 * Spring's contract; {@link #getConnection()} does all of the above. The normal path takes no lock,
 * logs nothing and reads settings and topology from one volatile field each.
 */
public class ReadWriteRoutingDataSource extends AbstractRoutingDataSource {

	/** Every replica: configured, then discovered; replaced whole when a member is discovered. */
	private volatile List<ReplicaNode> replicas;

	private final DataSource primaryDataSource;

	/** Our own copy of the targets: {@code getResolvedDataSources()} allocates a view per call. */
	private volatile Map<Object, DataSource> targets;

	/** The pools of discovered nodes: this router owns them and closes them. */
	private final List<DataSource> discoveredPools = new java.util.concurrent.CopyOnWriteArrayList<>();

	/** Serialises changes of configuration and of nodes; never taken on the routing path. */
	private final Object configuration = new Object();

	private final PrimaryReadGuard guard = new PrimaryReadGuard();

	private final PrimaryCheckouts primaryCheckouts = new PrimaryCheckouts();

	/** The configured primary: the monitor's first belief, and the node whose pool is {@link #primaryDataSource}. */
	private final String configuredPrimary;

	/** Every node's name: the configured primary, then the replicas in configuration order. */
	private volatile List<String> nodeNames;

	/** The pool writes use on each node that may become the primary; replaced whole. */
	private volatile Map<String, DataSource> writerPools;

	/** Nodes other than the configured replicas that may serve reads (the configured primary, once demoted). */
	private volatile Map<String, ReplicaNode> otherReaders = Map.of();

	private final TopologyHolder topology;

	private volatile RoutingSettings settings;

	/** Read by write barriers only, never on the routing path. */
	private volatile Boolean primaryHasGtids;

	private volatile CheckoutFailureListener checkoutFailures = CheckoutFailureListener.NONE;

	private volatile RouteListener routeListener = RouteListener.NONE;

	private volatile ConsistencyWaitRecorder waitRecorder = ConsistencyWaitRecorder.NONE;

	private volatile WaitObserver waitObserver = WaitObserver.NONE;

	private final WaitPermits waitPermits;

	private final ConsistencyTracker tracker;

	private final RouteCounts counts;

	private final BalancingCounts balancing = new BalancingCounts();

	private final ReplicaPlanner planner;

	private final Checkout checkout;

	private final RouterView view = new RouterView(this);

	private final String id;

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
		this(UUID.randomUUID().toString(), primary, primaryDataSource, replicas, topology, selector);
	}

	/**
	 * Creates a router.
	 * @param id the id its replica pools pass to {@link io.github.rwsplit.mysql.ReadOnlyRouteExceptionInterceptor}
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
	 * @param id the id its replica pools pass to {@link io.github.rwsplit.mysql.ReadOnlyRouteExceptionInterceptor}
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
		this.settings = RoutingSettings.defaults(Objects.requireNonNull(selector, "selector"));
		this.replicas = List.copyOf(replicas);
		this.primaryDataSource = Objects.requireNonNull(primaryDataSource, "primaryDataSource");
		Map<Object, Object> targets = new LinkedHashMap<>();
		targets.put(primary, primaryDataSource);
		for (ReplicaNode replica : replicas) {
			targets.put(replica.name(), replica.dataSource());
		}
		setTargetDataSources(targets);
		setLenientFallback(false);
		afterPropertiesSet();
		this.targets = Map.copyOf(getResolvedDataSources());
		this.topology = new TopologyHolder(topology, this.targets.keySet());
		this.configuredPrimary = Objects.requireNonNull(primary, "primary");
		this.writerPools = Map.of(primary, primaryDataSource);
		List<String> nodes = new ArrayList<>();
		nodes.add(primary);
		replicas.forEach((replica) -> nodes.add(replica.name()));
		this.nodeNames = List.copyOf(nodes);
		this.counts = new RouteCounts(nodes);
		this.planner = new ReplicaPlanner(this.tracker);
		this.checkout = new Checkout(this, this.planner);
	}

	/**
	 * Names the node the current work would go to, by planning without acting: no wait, no
	 * counter, no token. Spring's contract; rwsplit's own checkouts go through
	 * {@link #getConnection()}.
	 */
	@Override
	protected Object determineCurrentLookupKey() {
		RoutingTopology current = this.topology.get();
		return Checkout.nodeOf(planWithoutActing(current), current);
	}

	private Plan planWithoutActing(RoutingTopology current) {
		return this.planner.plan(IntentResolver.resolve(RoutingContext.state()), current, this.settings,
				ConsistencyContext.currentToken(), RoutingContext.state().memo.of(this), ReplicaPlanner.Attempt.FIRST);
	}

	/** The pool the current work would use: a node's writer pool when the plan is the primary. */
	@Override
	protected DataSource determineTargetDataSource() {
		RoutingTopology current = this.topology.get();
		if (planWithoutActing(current) instanceof Plan.ToReplica toReplica) {
			return toReplica.node().dataSource();
		}
		DataSource writer = this.writerPools.get(current.primary());
		return (writer != null) ? writer : this.primaryDataSource;
	}

	@Override
	public Connection getConnection() throws SQLException {
		RoutingContext.State state = RoutingContext.state();
		boolean inTransaction = TransactionSynchronizationManager.isActualTransactionActive();
		RouteIntent intent = IntentResolver.resolve(state, inTransaction);
		if (!intent.inTransaction()) {
			RoutingDiagnostics.atCheckout(state, inTransaction);
			RoutingSettings current = this.settings;
			if (intent == RouteIntent.PRIMARY_BY_DEFAULT && !inTransaction
					&& current.autocommitReads(state) == Route.REPLICA) {
				return StatementRoutingConnection.open(this, current.classifier());
			}
		}
		else if (state.beginning) {
			RoutingDiagnostics.earlyCheckout();
		}
		return this.checkout.open(intent, state);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLTransientConnectionException(
				"rwsplit: connections are opened with each node's configured credentials", "28000");
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
		return this.checkout.open(RouteIntent.forStatement(route, reason), RoutingContext.state());
	}

	/**
	 * As {@link #connect(Route, RouteReason)}, for one statement's read work.
	 * @param unit told what was checked out; names the replica to avoid when it is a retry
	 */
	Connection connect(Route route, RouteReason reason, ReadAttempt unit) throws SQLException {
		return this.checkout.open(RouteIntent.forStatement(route, reason), RoutingContext.state(), unit);
	}

	/**
	 * Sets where statements outside transactions go: {@link Route#PRIMARY} (all of them, the
	 * default) or {@link Route#REPLICA} (each classified: reads to a replica, everything else to the
	 * primary).
	 * @param autocommitReads the mode
	 * @param classifier classifies statements; required for {@link Route#REPLICA}
	 */
	public void setAutocommitReads(Route autocommitReads, SqlClassifier classifier) {
		Objects.requireNonNull(autocommitReads, "autocommitReads");
		update((current) -> current.withAutocommitReads(autocommitReads, classifier));
	}

	/**
	 * Publishes a new snapshot; connections routed afterwards use it. One publisher at a time (the
	 * monitor publishes under its own lock): the change of primary is judged against the snapshot
	 * this replaces. Wakes reads waiting for a
	 * replica under the {@code wait} fallback, or for a newer primary position.
	 * @param topology the new snapshot
	 * @throws IllegalArgumentException when it names a node this router does not have
	 */
	public void setTopology(RoutingTopology topology) {
		RoutingTopology before = this.topology.get();
		this.topology.set(topology);
		// Checkouts waiting on a primary that is gone or demoted would wait for the pool's whole
		// connection timeout: they end now and are planned again. Reads may stay on a primary that
		// answers read-only; writes may not.
		if (!before.primary().equals(topology.primary())) {
			this.primaryCheckouts.release(before.primary(), false);
		}
		else if (topology.primaryStatus() == RoutingTopology.PrimaryStatus.DOWN
				&& before.primaryStatus() != RoutingTopology.PrimaryStatus.DOWN) {
			this.primaryCheckouts.release(before.primary(), false);
		}
		else if (before.primaryStatus() == RoutingTopology.PrimaryStatus.UP
				&& topology.primaryStatus() != RoutingTopology.PrimaryStatus.UP) {
			this.primaryCheckouts.release(before.primary(), true);
		}
	}

	/**
	 * Gives the router what it needs to follow the primary to another node: a pool for writes on
	 * each node that may become the primary, and a replica entry for each node that may serve reads
	 * but is not a configured replica (the configured primary, once demoted). Pools are typically
	 * lazy: they open connections only when the node takes the role.
	 * @param writers the writer pool by node name (the configured primary's is its own pool and may be omitted)
	 * @param readers replica entries for nodes that are not configured replicas, by node name
	 * @throws IllegalArgumentException when a name is not a node of this router
	 */
	public void setRolePools(Map<String, DataSource> writers, Map<String, ReplicaNode> readers) {
		for (String node : writers.keySet()) {
			requireNode(node);
		}
		for (Map.Entry<String, ReplicaNode> reader : readers.entrySet()) {
			requireNode(reader.getKey());
			if (!reader.getKey().equals(reader.getValue().name())) {
				throw new IllegalArgumentException("Reader entry '" + reader.getKey() + "' names node '"
						+ reader.getValue().name() + "'");
			}
		}
		synchronized (this.configuration) {
			Map<String, DataSource> pools = new HashMap<>(this.writerPools);
			pools.putAll(writers);
			pools.put(this.configuredPrimary, this.primaryDataSource);
			this.writerPools = Map.copyOf(pools);
			this.otherReaders = Map.copyOf(readers);
		}
	}

	/**
	 * Adds a node the monitor discovered (a Group Replication member no configuration names): it
	 * serves reads through {@code reader} once the monitor puts it in rotation, and writes through
	 * {@code writer} if it becomes the primary. Nothing on the routing path locks: each structure is
	 * replaced whole. The router owns both pools from now on and closes them in {@link #close()}.
	 * @param reader the node's replica entry (its name is the node's name)
	 * @param writer its pool for writes, or {@code null} when it may not take them
	 * @throws IllegalArgumentException when a node of that name exists
	 */
	public void addDiscoveredNode(ReplicaNode reader, @Nullable DataSource writer) {
		String name = reader.name();
		synchronized (this.configuration) {
			if (this.nodeNames.contains(name)) {
				throw new IllegalArgumentException("A node named '" + name + "' exists already; nodes are " + this.nodeNames);
			}
			this.discoveredPools.add(reader.dataSource());
			if (writer != null) {
				this.discoveredPools.add(writer);
			}
			Map<Object, DataSource> targets = new HashMap<>(this.targets);
			targets.put(name, reader.dataSource());
			this.targets = Map.copyOf(targets);
			this.counts.addNode(name);
			this.topology.addNode(name);
			List<ReplicaNode> replicas = new ArrayList<>(this.replicas);
			replicas.add(reader);
			this.replicas = List.copyOf(replicas);
			if (writer != null) {
				Map<String, DataSource> writers = new HashMap<>(this.writerPools);
				writers.put(name, writer);
				this.writerPools = Map.copyOf(writers);
			}
			List<String> names = new ArrayList<>(this.nodeNames);
			names.add(name);
			this.nodeNames = List.copyOf(names);
		}
	}

	private void requireNode(String node) {
		if (!this.nodeNames.contains(node)) {
			throw new IllegalArgumentException("Unknown node '" + node + "'; nodes are " + this.nodeNames);
		}
	}

	/** @return every node's name: the configured primary first, then the replicas in configuration order */
	public List<String> nodeNames() {
		return this.nodeNames;
	}

	/** @return the primary as configured ({@code rwsplit.primary}): the monitor's first belief */
	public String configuredPrimary() {
		return this.configuredPrimary;
	}

	/**
	 * @param node a node's name
	 * @return the replica entry through which the node serves reads: a configured replica's own, or
	 * the one given by {@link #setRolePools}; {@code null} when it has none
	 */
	public @Nullable ReplicaNode readerNode(String node) {
		for (ReplicaNode replica : this.replicas) {
			if (replica.name().equals(node)) {
				return replica;
			}
		}
		return this.otherReaders.get(node);
	}

	/**
	 * @param node a node's name
	 * @return the pool writes use when that node is the primary, or {@code null} when it cannot take writes
	 */
	public @Nullable DataSource writerPool(String node) {
		return this.writerPools.get(node);
	}

	/** @param timeout how long new write work waits for a writable primary while none is known; zero to fail at once */
	public void setAwaitPrimaryTimeout(Duration timeout) {
		if (timeout == null || timeout.isNegative()) {
			throw new IllegalArgumentException("the await-primary timeout must be zero or positive, was " + timeout);
		}
		update((current) -> current.withAwaitPrimaryNanos(timeout.toNanos()));
	}

	/**
	 * A connection to the primary of a snapshot, from its writer pool; released early when that
	 * node stops being where the work may go during the checkout.
	 * @param topology the snapshot the work was planned on
	 * @param write whether the work writes (else it is a read that fell back to the primary)
	 */
	Connection openPrimary(RoutingTopology topology, boolean write) throws SQLException {
		String node = topology.primary();
		DataSource pool = this.writerPools.get(node);
		if (pool == null) {
			throw new SQLTransientConnectionException("rwsplit: '" + node + "' is the primary now, but this router"
					+ " has no pool for writes on it (rwsplit.topology.follow-primary is off?)", "08001");
		}
		return this.primaryCheckouts.open(node, pool, write, this.topology);
	}

	PrimaryCheckouts primaryCheckouts() {
		return this.primaryCheckouts;
	}

	TopologyHolder topologyHolder() {
		return this.topology;
	}

	/** @return the snapshot reads use now */
	public RoutingTopology getTopology() {
		return this.topology.get();
	}

	/** @return every configured replica, in rotation or not, without lag */
	public List<ReplicaNode> getReplicas() {
		return this.replicas;
	}


	/** @param fallback what reads do when no replica qualifies */
	public void setFallback(ReplicaFallback fallback) {
		Objects.requireNonNull(fallback, "fallback");
		update((current) -> current.withFallback(fallback));
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
	 * Sets who is told where each connection went, once it is checked out.
	 * @param listener the listener; {@link RouteListener#of} combines several
	 */
	public void setRouteListener(RouteListener listener) {
		this.routeListener = Objects.requireNonNull(listener, "listener");
	}

	/**
	 * @return this router's id, which its replica pools pass to
	 * {@link io.github.rwsplit.mysql.ReadOnlyRouteExceptionInterceptor} as {@value ConnectionFailureSignals#ROUTER_PROPERTY}
	 */
	public String getId() {
		return this.id;
	}

	/** Stops forwarding connection failures; called when the DataSource closes. */
	public void close() {
		for (DataSource pool : this.discoveredPools) {
			if (pool instanceof AutoCloseable closeable) {
				try {
					closeable.close();
				}
				catch (Exception ex) {
					// Closing anyway: nothing else would.
				}
			}
		}
		ConnectionFailureSignals.unregister(this.id);
		ConsistencyTracker.remove(this.id);
		ResponseTime.remove(this.id);
		InFlightStatements.remove(this.id);
	}

	/**
	 * Sets whether read-only work that fails with a connection-class error on a replica runs once
	 * more on another node (see {@link ReadAttempt} for exactly which work).
	 * @param retryReads whether to retry
	 */
	public void setRetryReads(boolean retryReads) {
		update((current) -> current.withRetryReads(retryReads));
	}

	/** @param checkoutRetries how many other replicas a read tries when a replica refuses a connection */
	public void setCheckoutRetries(int checkoutRetries) {
		update((current) -> current.withCheckoutRetries(checkoutRetries));
	}

	/**
	 * What the lag monitor read from the primary: whether it runs with GTIDs. Write barriers need
	 * it to tell work that committed nothing (MySQL gives a transaction that changed no row no GTID)
	 * from a primary without GTIDs.
	 * @param primaryHasGtids whether the primary reports {@code gtid_mode=ON}, {@code null} for not known
	 */
	public void setPrimaryHasGtids(@Nullable Boolean primaryHasGtids) {
		this.primaryHasGtids = primaryHasGtids;
	}

	/** @return whether the primary reports {@code gtid_mode=ON}, {@code null} while not known */
	public @Nullable Boolean primaryHasGtids() {
		return this.primaryHasGtids;
	}

	/** @param consistency how reads see their session's writes */
	public void setConsistency(ConsistencySettings consistency) {
		Objects.requireNonNull(consistency, "consistency");
		update((current) -> current.withConsistency(consistency));
		this.tracker.setRecordsSessions(consistency.mode() != ConsistencyMode.EVENTUAL);
	}


	/**
	 * Keeps each session's reads on the replica it first read from while that replica qualifies;
	 * when it does not, moves the session only to a replica known to be at least as far along.
	 * @param sticky whether replicas are sticky
	 */
	public void setStickyReplicas(boolean sticky) {
		update((current) -> current.withSticky(sticky));
	}


	/**
	 * Sets how long a replica entering rotation takes to reach its full share of new reads.
	 * @param window the ramp, zero for none
	 */
	public void setSlowStart(Duration window) {
		if (window == null || window.isNegative()) {
			throw new IllegalArgumentException("the slow-start window must be zero or positive, was " + window);
		}
		update((current) -> current.withSlowStartNanos(window.toNanos()));
	}




	/**
	 * @return the caps on rwsplit's own concurrent waits per replica (read-your-writes, sticky
	 * catch-up, write barriers), shared by this router and the write barrier, so they never hold a
	 * replica's whole pool
	 */
	public WaitPermits getWaitPermits() {
		return this.waitPermits;
	}



	/** @param recorder told how long each read-your-writes wait took */
	public void setConsistencyWaitRecorder(ConsistencyWaitRecorder recorder) {
		this.waitRecorder = Objects.requireNonNull(recorder, "recorder");
	}

	/**
	 * @param observer told when this router, or a write barrier over it, starts and ends a wait
	 * (read-your-writes, fallback, write barrier), for traces
	 */
	public void setWaitObserver(WaitObserver observer) {
		this.waitObserver = Objects.requireNonNull(observer, "observer");
	}

	/** @return told when this router, or a write barrier over it, starts and ends a wait */
	public WaitObserver getWaitObserver() {
		return this.waitObserver;
	}



	/**
	 * The node the current thread's last connection was routed to, and why. Meant for error
	 * messages and diagnostics on the same thread, not for routing.
	 * @return the node name, or {@code null} if this thread has not been routed yet
	 */
	public static @Nullable String lastRoutedNode() {
		return RoutingContext.state().lastNode;
	}

	/**
	 * @return why the current thread's last connection went where it did, or {@code null}
	 */
	public static @Nullable RouteReason lastRouteReason() {
		return RoutingContext.state().lastReason;
	}

	/**
	 * The plan carried out for the current thread's last connection, as text: the node, why, and
	 * what had to happen first. For diagnostics on the same thread.
	 * @return the plan, or {@code null} if this thread has not been routed yet
	 */
	public static @Nullable String lastPlan() {
		Plan plan = RoutingContext.state().lastPlan;
		return (plan != null) ? plan.toString() : null;
	}

	/** @return a read-only view of this router, for metrics, the endpoint and reports */
	public RouterView view() {
		return this.view;
	}

	RoutingSettings settings() {
		return this.settings;
	}

	RouteCounts counts() {
		return this.counts;
	}

	BalancingCounts balancing() {
		return this.balancing;
	}

	ConsistencyTracker tracker() {
		return this.tracker;
	}

	DataSource pool(String node) {
		return this.targets.get(node);
	}

	private void update(java.util.function.UnaryOperator<RoutingSettings> change) {
		// Configuration happens at start-up from one thread; the lock only keeps two setters racing
		// from losing one change. Readers never take it: they read the volatile field.
		synchronized (this.configuration) {
			this.settings = change.apply(this.settings);
		}
	}

	DataSource primaryDataSource() {
		return this.primaryDataSource;
	}

	PrimaryReadGuard primaryReadGuard() {
		return this.guard;
	}

	CheckoutFailureListener checkoutFailureListener() {
		return this.checkoutFailures;
	}

	RouteListener routeListener() {
		return this.routeListener;
	}

	ConsistencyWaitRecorder waitRecorder() {
		return this.waitRecorder;
	}

	WaitPermits waitPermits() {
		return this.waitPermits;
	}

}
