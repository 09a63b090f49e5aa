package io.github.rwsplit.routing;

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
		return Candidates.keep(candidates, (candidate) -> within(candidate, maxLagNanos));
	}

	private static boolean within(ReplicaNode candidate, long maxLagNanos) {
		long lag = candidate.lagNanos();
		return lag >= 0 && lag <= maxLagNanos;
	}

}
