package io.github.rwsplit.routing;

import java.util.List;

import io.github.rwsplit.consistency.ConsistencyToken;

/**
 * Read-your-writes by time ({@code pin} mode): for a while after the session wrote, its reads go
 * to the primary, unless every candidate was measured, after the write, to have everything up to
 * it. Measured at t with lag L, a replica has all commits up to t - L; the margin covers the
 * monitor understating lag (by up to one primary interval) and write times recorded early.
 */
final class PinFilter {

	private PinFilter() {
	}

	/**
	 * @param candidates the replicas that qualify otherwise; not empty
	 * @param token the session's token
	 * @param settings the consistency settings
	 * @param nowMillis the wall clock now
	 * @return whether the session's read must go to the primary
	 */
	static boolean pinned(List<ReplicaNode> candidates, ConsistencyToken token, ConsistencySettings settings,
			long nowMillis) {
		long lastWrite = token.lastWriteMillis();
		long margin = settings.pinMargin().toMillis();
		if (lastWrite == 0 || nowMillis - lastWrite >= settings.pinDuration().toMillis() + margin) {
			return false;
		}
		long needed = lastWrite + margin;
		for (int i = 0; i < candidates.size(); i++) {
			ReplicaNode candidate = candidates.get(i);
			long lag = candidate.lagNanos();
			if (lag < 0 || candidate.measuredAtMillis() - lag / 1_000_000 < needed) {
				return true;
			}
		}
		return false;
	}

}
