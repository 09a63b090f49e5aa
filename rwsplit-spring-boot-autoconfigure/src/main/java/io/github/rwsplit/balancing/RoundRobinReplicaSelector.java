package io.github.rwsplit.balancing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;

/**
 * Hands out the candidates in turn from one shared, lock-free position. When the candidate list
 * changes size, the rotation simply continues over the new list.
 */
public class RoundRobinReplicaSelector implements ReplicaSelector {

	private final AtomicInteger position = new AtomicInteger();

	@Override
	public ReplicaNode select(List<ReplicaNode> candidates) {
		int next = this.position.getAndIncrement() & Integer.MAX_VALUE;
		return candidates.get(next % candidates.size());
	}

}
