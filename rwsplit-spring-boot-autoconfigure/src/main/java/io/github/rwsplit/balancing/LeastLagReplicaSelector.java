package io.github.rwsplit.balancing;

import io.github.rwsplit.routing.ReplicaNode;

/**
 * Picks the candidate least far behind the primary, by the lag monitor's latest measurement.
 * Lags within one millisecond count as equal and are broken at random, so that caught-up replicas
 * share the reads; a replica of unknown lag is chosen only when all are unknown.
 */
public class LeastLagReplicaSelector extends LeastScoreSelector {

	@Override
	protected long score(ReplicaNode candidate) {
		long lag = candidate.lagNanos();
		return (lag < 0) ? Long.MAX_VALUE : lag / 1_000_000;
	}

}
