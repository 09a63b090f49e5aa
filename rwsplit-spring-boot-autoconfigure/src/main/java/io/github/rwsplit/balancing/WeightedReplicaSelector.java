package io.github.rwsplit.balancing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;

/**
 * Picks a candidate at random with probability proportional to its weight. A replica of weight
 * zero gets no reads while any candidate has a positive weight; if all weights are zero, the
 * choice is uniform, so that a group never refuses reads because of its weights.
 */
public class WeightedReplicaSelector implements ReplicaSelector {

	@Override
	public ReplicaNode select(List<ReplicaNode> candidates) {
		int size = candidates.size();
		long total = 0;
		for (int i = 0; i < size; i++) {
			total += candidates.get(i).weight();
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		if (total == 0) {
			return candidates.get(random.nextInt(size));
		}
		long point = random.nextLong(total);
		for (int i = 0; i < size; i++) {
			ReplicaNode candidate = candidates.get(i);
			point -= candidate.weight();
			if (point < 0) {
				return candidate;
			}
		}
		return candidates.get(size - 1);
	}

}
