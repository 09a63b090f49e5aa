package io.github.rwsplit.balancing;

import java.util.function.Supplier;

import io.github.rwsplit.routing.ReplicaSelector;

/**
 * The built-in replica selection strategies, as {@code rwsplit.load-balancing} names them.
 */
public enum LoadBalancing {

	/** Each replica of the group in turn. */
	ROUND_ROBIN(RoundRobinReplicaSelector::new),

	/** A replica chosen uniformly at random. */
	RANDOM(RandomReplicaSelector::new),

	/** A replica chosen at random in proportion to its weight. */
	WEIGHTED(WeightedReplicaSelector::new),

	/** The replica whose pool has the fewest connections in use; ties broken at random. */
	LEAST_CONNECTIONS(LeastConnectionsReplicaSelector::new),

	/** The replica least far behind the primary (needs the lag monitor); ties broken at random. */
	LEAST_LAG(LeastLagReplicaSelector::new),

	/**
	 * The replicas answering fastest, by a moving average of their statements' response times; a
	 * replica k times slower gets 1/k² as many reads.
	 */
	FASTEST_RESPONSE(FastestResponseReplicaSelector::new);

	private final Supplier<ReplicaSelector> factory;

	LoadBalancing(Supplier<ReplicaSelector> factory) {
		this.factory = factory;
	}

	/**
	 * Creates a new selector of this kind.
	 * @return a selector with its own state
	 */
	public ReplicaSelector createSelector() {
		return this.factory.get();
	}

}
