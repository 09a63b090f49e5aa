package io.github.rwsplit.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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
 * snapshot: no locks, no logging, no allocation. It does not check replica health itself; the
 * topology contains only replicas in rotation. When the wanted group has none, the read goes to
 * the primary.
 */
public class ReadWriteRoutingDataSource extends AbstractRoutingDataSource {

	private final ReplicaSelector selector;

	private volatile RoutingTopology topology;

	/**
	 * Creates a router.
	 * @param primary the primary's node name
	 * @param primaryDataSource the primary's pool
	 * @param replicas every configured replica, in rotation or not
	 * @param topology the initial snapshot of replicas in rotation
	 * @param selector the load-balancing strategy
	 */
	public ReadWriteRoutingDataSource(String primary, DataSource primaryDataSource, List<ReplicaNode> replicas,
			RoutingTopology topology, ReplicaSelector selector) {
		this.selector = Objects.requireNonNull(selector, "selector");
		this.topology = Objects.requireNonNull(topology, "topology");
		Map<Object, Object> targets = new LinkedHashMap<>();
		targets.put(primary, primaryDataSource);
		for (ReplicaNode replica : replicas) {
			targets.put(replica.name(), replica.dataSource());
		}
		setTargetDataSources(targets);
		setLenientFallback(false);
		afterPropertiesSet();
	}

	@Override
	protected Object determineCurrentLookupKey() {
		RoutingContext.State state = RoutingContext.state();
		RoutingTopology current = this.topology;
		boolean inTransaction = TransactionSynchronizationManager.isActualTransactionActive();
		RoutingContext.TransactionRoute transaction = inTransaction ? RoutingContext.live(state.transaction) : null;
		Route route;
		String group;
		RouteReason reason;
		if (transaction != null) {
			route = transaction.route;
			group = transaction.group;
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
				reason = RouteReason.ANNOTATION;
			}
			else if (inTransaction && TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
				route = Route.REPLICA;
				group = null;
				reason = RouteReason.READ_ONLY_TRANSACTION;
			}
			else {
				route = Route.PRIMARY;
				group = null;
				reason = RouteReason.DEFAULT;
			}
		}
		String node = current.primary();
		if (route == Route.REPLICA) {
			List<ReplicaNode> candidates = current.replicas(group);
			if (candidates.isEmpty()) {
				reason = RouteReason.FALLBACK;
			}
			else {
				node = (candidates.size() == 1) ? candidates.get(0).name() : this.selector.select(candidates).name();
			}
		}
		state.lastNode = node;
		state.lastReason = reason;
		return node;
	}

	/**
	 * Publishes a new snapshot of the replicas in rotation; reads that start afterwards use it.
	 * @param topology the new snapshot
	 */
	public void setTopology(RoutingTopology topology) {
		Objects.requireNonNull(topology, "topology");
		Map<Object, DataSource> targets = getResolvedDataSources();
		if (!targets.containsKey(topology.primary())) {
			throw new IllegalArgumentException("Unknown primary '" + topology.primary() + "'; nodes are " + targets.keySet());
		}
		for (ReplicaNode replica : topology.replicas()) {
			if (!targets.containsKey(replica.name())) {
				throw new IllegalArgumentException("Unknown replica '" + replica.name() + "'; nodes are " + targets.keySet());
			}
		}
		this.topology = topology;
	}

	/** @return the snapshot reads use now */
	public RoutingTopology getTopology() {
		return this.topology;
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

}
