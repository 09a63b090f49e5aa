package io.github.rwsplit.routing;

import java.util.List;

/**
 * Removes the replicas that already failed this unit of work's checkout, so that a retry never
 * returns to the node that just refused it. Only planning after a failure has exclusions; without
 * them the list is returned as it is.
 */
final class ExcludedNodesFilter {

	private ExcludedNodesFilter() {
	}

	/**
	 * @param candidates the replicas to narrow
	 * @param excluded names of replicas that failed, or {@code null} for none
	 * @return the replicas not excluded
	 */
	static List<ReplicaNode> apply(List<ReplicaNode> candidates, List<String> excluded) {
		if (excluded == null || excluded.isEmpty()) {
			return candidates;
		}
		return Candidates.keep(candidates, (candidate) -> !excluded.contains(candidate.name()));
	}

}
