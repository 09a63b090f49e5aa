package io.github.rwsplit.balancing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;

/**
 * Picks a candidate uniformly at random, with no shared state between threads.
 */
public class RandomReplicaSelector implements ReplicaSelector {

	@Override
	public ReplicaNode select(List<ReplicaNode> candidates) {
		return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
	}

}
