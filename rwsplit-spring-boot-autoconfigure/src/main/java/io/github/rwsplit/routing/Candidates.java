package io.github.rwsplit.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Narrows a list of candidate replicas by one rule. Returns the same list when every candidate
 * passes, the usual case, so narrowing allocates nothing on the normal path.
 */
final class Candidates {

	private Candidates() {
	}

	/**
	 * @param candidates the replicas to narrow
	 * @param rule which to keep
	 * @return the candidates that pass: the same list when all do, an empty one when none does
	 */
	static List<ReplicaNode> keep(List<ReplicaNode> candidates, Predicate<ReplicaNode> rule) {
		int size = candidates.size();
		int first = 0;
		while (first < size && rule.test(candidates.get(first))) {
			first++;
		}
		if (first == size) {
			return candidates;
		}
		List<ReplicaNode> kept = new ArrayList<>(size - 1);
		for (int i = 0; i < size; i++) {
			if (i < first || (i > first && rule.test(candidates.get(i)))) {
				kept.add(candidates.get(i));
			}
		}
		return kept;
	}

}
