package io.github.rwsplit.routing;

import java.util.List;

import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.gtid.GtidSet;

/**
 * Sticky replicas (monotonic reads): a session reads from its own replica while that replica
 * qualifies. When it does not (out of rotation, outside a lag budget, behind the session's writes,
 * excluded after a failed checkout), or the session last read from the primary, the session has
 * seen at most what the primary has now: it moves to the candidate least far behind, which must
 * first catch up with the primary <em>and</em> keep any requirement of its own (the preconditions
 * compose), or it reads from the primary. A candidate further behind than the wait timeout is not
 * waited on.
 *
 * <p>Stickiness is learnt after the choice: this class only says how the session's replica should
 * change; the checkout records it once the connection is in hand.
 */
final class StickyFilter {

	/**
	 * The choice.
	 * @param node the replica, or {@code null} when the session must read from the primary
	 * @param precondition what the replica must do first (the caller's, plus any catch-up)
	 * @param update how the session's replica changes on success
	 */
	record Choice(ReplicaNode node, Precondition precondition, Plan.StickyUpdate update) {
	}

	private StickyFilter() {
	}

	/**
	 * @param candidates replicas that qualify for the read; not empty
	 * @param precondition what the read requires already (read-your-writes)
	 * @param token the session's token
	 * @param knownPrimary the newest executed set the monitor read from the primary, or {@code null}
	 * @param waitTimeoutNanos the longest a replica may be waited on
	 * @param balancer chooses a replica for a session that has none
	 * @param catchUpHopeless whether this thread's last catch-up failed and nothing says a replica
	 * has reached that position since
	 * @return the choice
	 */
	static Choice choose(List<ReplicaNode> candidates, Precondition precondition, ConsistencyToken token,
			GtidSet knownPrimary, long waitTimeoutNanos, SlowStartSelector balancer, boolean catchUpHopeless) {
		String sticky = token.replica();
		if (token.observedMillis() == 0) {
			if (sticky == null) {
				return new Choice(balancer.select(candidates), precondition, Plan.StickyUpdate.ASSIGN);
			}
			for (int i = 0; i < candidates.size(); i++) {
				ReplicaNode candidate = candidates.get(i);
				if (candidate.name().equals(sticky)) {
					return new Choice(candidate, precondition, Plan.StickyUpdate.HIT);
				}
			}
		}
		ReplicaNode closest = null;
		for (int i = 0; i < candidates.size(); i++) {
			ReplicaNode candidate = candidates.get(i);
			long lag = candidate.lagNanos();
			if (closest == null || (lag >= 0 && (closest.lagNanos() < 0 || lag < closest.lagNanos()))) {
				closest = candidate;
			}
		}
		if (closest.lagNanos() > waitTimeoutNanos) {
			// Not expected to catch up within a wait: no round trips, the primary serves.
			return new Choice(null, precondition, Plan.StickyUpdate.PRIMARY);
		}
		if (catchUpHopeless) {
			// The primary serves without a wait that would fail again.
			return new Choice(null, precondition, Plan.StickyUpdate.PRIMARY);
		}
		Precondition catchUp = new Precondition.CatchUpWithPrimary(GtidSet.EMPTY, knownPrimary);
		return new Choice(closest, Precondition.and(precondition, catchUp), Plan.StickyUpdate.MOVE);
	}

}
