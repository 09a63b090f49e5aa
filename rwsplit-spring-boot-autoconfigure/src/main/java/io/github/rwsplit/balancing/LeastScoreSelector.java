package io.github.rwsplit.balancing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;

/**
 * Picks the candidate with the lowest score. The scan starts at a random candidate so that ties
 * (every pool idle, every replica caught up) spread evenly instead of always favouring the first.
 */
abstract class LeastScoreSelector implements ReplicaSelector {

	/**
	 * The candidate's score; lower is better.
	 * @param candidate a replica
	 * @return its score
	 */
	protected abstract long score(ReplicaNode candidate);

	@Override
	public ReplicaNode select(List<ReplicaNode> candidates) {
		int size = candidates.size();
		int start = ThreadLocalRandom.current().nextInt(size);
		ReplicaNode best = null;
		long lowest = Long.MAX_VALUE;
		for (int i = 0; i < size; i++) {
			ReplicaNode candidate = candidates.get((start + i) % size);
			long score = score(candidate);
			if (best == null || score < lowest) {
				lowest = score;
				best = candidate;
			}
		}
		return best;
	}

}
