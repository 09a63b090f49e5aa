package io.github.rwsplit.test;

import java.util.List;

import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;

/**
 * Always the replica whose name sorts first among those in rotation in the wanted group: the same
 * replica in every run, so a test's expectations do not depend on a load balancer's turn. Declared
 * by {@link RecordRoutes} unless told otherwise.
 */
public final class FirstByNameReplicaSelector implements ReplicaSelector {

	@Override
	public ReplicaNode select(List<ReplicaNode> candidates) {
		ReplicaNode first = candidates.get(0);
		for (int i = 1; i < candidates.size(); i++) {
			ReplicaNode candidate = candidates.get(i);
			if (candidate.name().compareTo(first.name()) < 0) {
				first = candidate;
			}
		}
		return first;
	}

}
