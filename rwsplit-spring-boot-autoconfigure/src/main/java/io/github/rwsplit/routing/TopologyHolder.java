package io.github.rwsplit.routing;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The router's current {@link RoutingTopology}: read through one volatile field on the hot path,
 * replaced whole by whoever learns something (the monitor, an operator). Work that must wait for
 * the topology to change (fallback {@code wait}, a newer primary position) waits on a
 * {@link Condition}, never on a monitor, so virtual threads do not pin, and every wait is bounded.
 */
final class TopologyHolder {

	/** The router's nodes; replaced whole when a discovered node is added. */
	private volatile Set<Object> nodes;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private volatile RoutingTopology topology;

	TopologyHolder(RoutingTopology initial, Set<Object> nodes) {
		this.topology = Objects.requireNonNull(initial, "topology");
		this.nodes = Set.copyOf(nodes);
	}

	/** @param node a node the router has from now on (a discovered member) */
	synchronized void addNode(String node) {
		Set<Object> more = new java.util.HashSet<>(this.nodes);
		more.add(node);
		this.nodes = Set.copyOf(more);
	}

	RoutingTopology get() {
		return this.topology;
	}

	/**
	 * Publishes a snapshot and wakes every wait.
	 * @throws IllegalArgumentException when it names a node the router does not have
	 */
	void set(RoutingTopology topology) {
		Objects.requireNonNull(topology, "topology");
		if (!this.nodes.contains(topology.primary())) {
			throw new IllegalArgumentException("Unknown primary '" + topology.primary() + "'; nodes are " + this.nodes);
		}
		for (ReplicaNode replica : topology.replicas()) {
			if (!this.nodes.contains(replica.name())) {
				throw new IllegalArgumentException("Unknown replica '" + replica.name() + "'; nodes are " + this.nodes);
			}
		}
		this.lock.lock();
		try {
			this.topology = topology;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** @return whether a replica of the intent's group qualified in time */
	boolean awaitReplica(RouteIntent intent, long timeoutNanos) {
		return await(timeoutNanos,
				() -> !LagBudgetFilter.apply(this.topology.replicas(intent.group()), intent.maxLagNanos()).isEmpty());
	}

	/** @return whether a writable primary was published in time */
	boolean awaitWritablePrimary(long timeoutNanos) {
		return await(timeoutNanos, () -> this.topology.primaryStatus() == RoutingTopology.PrimaryStatus.UP);
	}

	/** @return whether a primary position read after {@code sinceMillis} was published in time */
	boolean awaitPrimaryPosition(long sinceMillis, long timeoutNanos) {
		return await(timeoutNanos, () -> this.topology.primaryMeasuredAtMillis() > sinceMillis);
	}

	private boolean await(long timeoutNanos, BooleanSupplier done) {
		long left = timeoutNanos;
		this.lock.lock();
		try {
			while (!done.getAsBoolean()) {
				if (left <= 0) {
					return false;
				}
				left = this.changed.awaitNanos(left);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

}
