package io.github.rwsplit.balancing;

import io.github.rwsplit.routing.ReplicaNode;

/**
 * Picks the candidate whose pool has the fewest connections in use, read from the pools
 * themselves at the moment of choosing (HikariCP counts by scanning its connections); ties are
 * broken at random.
 */
public class LeastConnectionsReplicaSelector extends LeastScoreSelector {

	@Override
	protected long score(ReplicaNode candidate) {
		return candidate.activeConnections();
	}

}
