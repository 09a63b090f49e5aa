package io.github.rwsplit.routing;

import io.github.rwsplit.gtid.GtidSet;

/**
 * What a replica must do before a read may run on it. Preconditions compose with
 * {@link #and(Precondition, Precondition)}, which keeps every requirement of both, so one rule
 * can never drop another's: a sticky session that moves to a replica catches up with the primary
 * <em>and</em> with its own writes, whatever the primary can tell.
 */
sealed interface Precondition {

	/** Nothing to do: the replica serves the read as it is. */
	Precondition NONE = new None();

	/** Nothing to do. */
	record None() implements Precondition {

		@Override
		public String toString() {
			return "none";
		}

	}

	/**
	 * The replica must have applied these GTIDs ({@code WAIT_FOR_EXECUTED_GTID_SET}, bounded).
	 * @param gtids the transactions to wait for; not empty
	 */
	record AwaitGtids(GtidSet gtids) implements Precondition {

		@Override
		public String toString() {
			return "await " + this.gtids;
		}

	}

	/**
	 * The replica must have applied what the primary has executed now, and these GTIDs too.
	 * Reading the primary's executed set is the step's job: it is I/O, and when the primary cannot
	 * be asked the newest set the monitor read stands in, never nothing.
	 * @param alsoRequired transactions required whatever the primary says (the session's own), may be empty
	 * @param knownPrimary the newest executed set the monitor read from the primary, or {@code null}
	 */
	record CatchUpWithPrimary(GtidSet alsoRequired, GtidSet knownPrimary) implements Precondition {

		@Override
		public String toString() {
			return "catch up with the primary" + (this.alsoRequired.isEmpty() ? "" : " and " + this.alsoRequired);
		}

	}

	/**
	 * Both preconditions.
	 * @param first one precondition
	 * @param second another
	 * @return one that holds when both do
	 */
	static Precondition and(Precondition first, Precondition second) {
		if (first instanceof None) {
			return second;
		}
		if (second instanceof None) {
			return first;
		}
		if (first instanceof AwaitGtids a && second instanceof AwaitGtids b) {
			return new AwaitGtids(a.gtids().union(b.gtids()));
		}
		CatchUpWithPrimary catchUp = (first instanceof CatchUpWithPrimary c) ? c : (CatchUpWithPrimary) second;
		Precondition other = (catchUp == first) ? second : first;
		GtidSet also = catchUp.alsoRequired();
		GtidSet known = catchUp.knownPrimary();
		if (other instanceof AwaitGtids await) {
			also = also.union(await.gtids());
		}
		else if (other instanceof CatchUpWithPrimary more) {
			also = also.union(more.alsoRequired());
			if (known == null || (more.knownPrimary() != null && more.knownPrimary().contains(known))) {
				known = more.knownPrimary();
			}
		}
		return new CatchUpWithPrimary(also, known);
	}

}
