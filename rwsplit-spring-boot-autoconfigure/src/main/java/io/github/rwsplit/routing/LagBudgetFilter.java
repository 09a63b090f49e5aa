package io.github.rwsplit.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the replicas within a staleness budget ({@code @ReadReplica(maxLag = ...)}). A replica of
 * unknown lag never qualifies for a budget: nobody can say it is within it. Returns the same list
 * when every candidate qualifies, the usual case, so the normal path allocates nothing.
 */
final class LagBudgetFilter {

	private LagBudgetFilter() {
	}

	/**
	 * @param candidates the replicas to narrow
	 * @param maxLagNanos the budget, or -1 for none
	 * @return the replicas within the budget
	 */
	static List<ReplicaNode> apply(List<ReplicaNode> candidates, long maxLagNanos) {
		if (maxLagNanos < 0) {
			return candidates;
		}
		int size = candidates.size();
		int first = 0;
		while (first < size && within(candidates.get(first), maxLagNanos)) {
			first++;
		}
		if (first == size) {
			return candidates;
		}
		List<ReplicaNode> qualifying = new ArrayList<>(size - 1);
		for (int i = 0; i < size; i++) {
			if (within(candidates.get(i), maxLagNanos)) {
				qualifying.add(candidates.get(i));
			}
		}
		return qualifying;
	}

	private static boolean within(ReplicaNode candidate, long maxLagNanos) {
		long lag = candidate.lagNanos();
		return lag >= 0 && lag <= maxLagNanos;
	}

}
