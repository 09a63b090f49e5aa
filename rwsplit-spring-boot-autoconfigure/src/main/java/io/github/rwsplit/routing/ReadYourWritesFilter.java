package io.github.rwsplit.routing;

import java.util.List;

import io.github.rwsplit.gtid.GtidSet;

/**
 * Read-your-writes by GTID: narrows the candidates to the replicas that can show the session the
 * transactions it requires.
 * <ol>
 * <li>Transactions the primary itself has not executed can never be satisfied. When the monitor
 * knows the primary's executed set, a requirement beyond it (and beyond this instance's own
 * commits) is first verified against a primary position read <em>after</em> the read began; what
 * is still missing then is ignored (a forged or foreign token), instead of costing a replica wait
 * and a primary read on every request. No verdict is remembered across reads: a forged sequence
 * number of the primary's own source is indistinguishable from a real commit that is about to
 * happen, so only a position read after the read began can prove it missing.</li>
 * <li>Replicas known to have the requirement serve it, with no round trip: by the snapshot, or by
 * what another read's wait learned since ({@link ReplicaNode#hasExecuted}).</li>
 * <li>Otherwise one of the replicas measured close enough to catch up within the wait timeout is
 * waited on (the balancer spreads the waits over them); if none is, or this thread already waited
 * in vain for the same transactions (and nothing says a replica has caught up since), the primary
 * serves the read.</li>
 * </ol>
 * Pure: reads the snapshot, the token and the thread's memo; writes nothing.
 */
final class ReadYourWritesFilter {

	/**
	 * The outcome.
	 * @param candidates the replicas to choose from, or {@code null} when the primary must serve
	 * @param precondition what the chosen replica must do first
	 * @param reason why, or {@code null} to keep the intent's reason
	 * @param verify whether the requirement must be checked against a newer primary position first
	 * @param ignored the transactions ignored because the primary never executed them
	 */
	record Narrowing(List<ReplicaNode> candidates, Precondition precondition, RouteReason reason, boolean verify,
			GtidSet ignored) {

		static final Narrowing VERIFY = new Narrowing(null, Precondition.NONE, null, true, GtidSet.EMPTY);

		static Narrowing primary(GtidSet ignored) {
			return new Narrowing(null, Precondition.NONE, RouteReason.FALLBACK, false, ignored);
		}

		/** @return whether the primary must serve the read */
		boolean toPrimary() {
			return this.candidates == null && !this.verify;
		}

	}

	/**
	 * What the filter knows besides the candidates.
	 * @param required the transactions the session must see
	 * @param ownCommits how far each source has numbered this instance's own commits, as
	 * {@code 1-N} (never forged): required transactions within it are not doubted. It may span
	 * numbers never used (Group Replication's blocks), so it only ever narrows a requirement
	 * (an intersection), never becomes one
	 * @param verifiedSinceMillis the primary position must be measured after this to prove a
	 * transaction was never executed; 0 when the read has not waited for one
	 * @param cannotVerify whether no newer primary position can be had (monitor silent): requirements
	 * are then taken as they are
	 * @param waitedInVain the last requirement this thread waited for in vain, while waiting again
	 * for it is still hopeless; otherwise {@code null}
	 */
	record Inputs(GtidSet required, GtidSet ownCommits, long verifiedSinceMillis,
			boolean cannotVerify, GtidSet waitedInVain) {
	}

	private ReadYourWritesFilter() {
	}

	/**
	 * @param candidates the replicas that qualify otherwise; not empty
	 * @param topology the snapshot they come from
	 * @param in what the session requires and what is known about it
	 * @param waitTimeoutNanos the longest a replica may be waited on
	 * @return the narrowing, or {@code null} when every candidate may serve as it is
	 */
	static Narrowing apply(List<ReplicaNode> candidates, RoutingTopology topology, Inputs in, long waitTimeoutNanos) {
		GtidSet required = in.required();
		if (required.isEmpty()) {
			return null;
		}
		GtidSet ignored = GtidSet.EMPTY;
		GtidSet primary = topology.primaryExecuted();
		// While the primary is down no newer position can come, and its last one proves nothing missing.
		if (primary != null && topology.primaryDownReason() == null && !in.cannotVerify() && !primary.contains(required)
				&& !in.ownCommits().contains(required)) {
			GtidSet known = required.intersect(primary.union(in.ownCommits()));
			boolean provenMissing = topology.primaryMeasuredAtMillis() > in.verifiedSinceMillis()
					&& in.verifiedSinceMillis() > 0;
			if (!provenMissing) {
				return Narrowing.VERIFY;
			}
			ignored = required;
			required = known;
			if (required.isEmpty()) {
				return new Narrowing(candidates, Precondition.NONE, null, false, ignored);
			}
		}
		List<ReplicaNode> caughtUp = haveAll(candidates, required);
		if (!caughtUp.isEmpty()) {
			return new Narrowing(caughtUp, Precondition.NONE, RouteReason.GTID_CAUGHT_UP, false, ignored);
		}
		GtidSet inVain = in.waitedInVain();
		if (inVain != null && required.equals(inVain)) {
			// This thread waited in vain for exactly this, and nothing says a replica has caught up since.
			// A session that wrote again requires more, and waits again: its new write may be the one
			// a replica applies first.
			return Narrowing.primary(ignored);
		}
		// Every replica measured close enough to catch up within a wait: the balancer spreads the waits
		// over them rather than piling them on the single closest one.
		List<ReplicaNode> reachable = Candidates.keep(candidates, (candidate) -> candidate.lagNanos() >= 0
				&& candidate.lagNanos() <= waitTimeoutNanos);
		if (reachable.isEmpty()) {
			return Narrowing.primary(ignored);
		}
		return new Narrowing(reachable, new Precondition.AwaitGtids(required), RouteReason.GTID_WAIT, false, ignored);
	}

	/** @return the candidates known to have the set; the same list when all are, empty when none is */
	static List<ReplicaNode> haveAll(List<ReplicaNode> candidates, GtidSet gtids) {
		return Candidates.keep(candidates, (candidate) -> has(candidate, gtids));
	}

	private static boolean has(ReplicaNode candidate, GtidSet gtids) {
		return candidate.hasExecuted(gtids);
	}

}
