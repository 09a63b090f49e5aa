package io.github.rwsplit.balancing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;

/**
 * Picks the candidate whose pool has the fewest connections in use, read from the pools
 * themselves at the moment of choosing. The scan starts at a random candidate so that ties (such
 * as every pool idle) spread evenly instead of always favouring the first replica.
 */
public class LeastConnectionsReplicaSelector implements ReplicaSelector {

	@Override
	public ReplicaNode select(List<ReplicaNode> candidates) {
		int size = candidates.size();
		int start = ThreadLocalRandom.current().nextInt(size);
		ReplicaNode best = null;
		int fewest = Integer.MAX_VALUE;
		for (int i = 0; i < size; i++) {
			ReplicaNode candidate = candidates.get((start + i) % size);
			int active = candidate.activeConnections();
			if (active < fewest) {
				fewest = active;
				best = candidate;
			}
		}
		return best;
	}

}
