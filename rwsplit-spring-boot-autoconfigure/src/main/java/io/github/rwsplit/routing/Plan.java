package io.github.rwsplit.routing;

import io.github.rwsplit.routing.RouteCounts.FallbackCause;

/**
 * A routing decision, as a value: where a unit of work goes and what must happen first. Made by
 * {@link ReplicaPlanner} from an intent and an immutable snapshot with no I/O and no side effects;
 * carried out by {@link Checkout}, which alone talks to pools and servers and records what
 * happened. {@link #toString()} is the diagnostic.
 */
sealed interface Plan {

	/** How a plan changes the session's sticky replica, applied only after a successful checkout. */
	enum StickyUpdate {

		/** Sticky replicas are off, or this plan does not concern them. */
		NONE,

		/** A session without a replica is given this one. */
		ASSIGN,

		/** The session read from its own replica. */
		HIT,

		/** The session moved to this replica, which caught up with the primary first. */
		MOVE,

		/** The session read from the primary: its next replica must catch up with what it saw. */
		PRIMARY

	}

	/**
	 * A replica serves the work once its precondition holds.
	 * @param node the replica
	 * @param precondition what it must do first
	 * @param reason why, for metrics
	 * @param sticky how the session's sticky replica changes on success
	 * @param onFailedPrecondition where the work goes when the precondition does not hold; {@code null}
	 * with {@link Precondition#NONE}
	 * @param slowStartDeferred whether slow start sent the read away from the balancer's choice
	 * @param ignoredGtids transactions of the session's requirement ignored because the primary
	 * never executed them (empty normally)
	 */
	record ToReplica(ReplicaNode node, Precondition precondition, RouteReason reason, StickyUpdate sticky,
			Plan onFailedPrecondition, boolean slowStartDeferred, io.github.rwsplit.gtid.GtidSet ignoredGtids)
			implements Plan {

		@Override
		public String toString() {
			return "replica " + this.node.name() + " (" + this.reason.tag() + ")"
					+ ((this.precondition instanceof Precondition.None) ? "" : " after: " + this.precondition)
					+ ((this.sticky == StickyUpdate.NONE) ? "" : ", sticky " + this.sticky.name().toLowerCase(java.util.Locale.ROOT));
		}

	}

	/**
	 * The primary serves the work.
	 * @param reason why, for metrics
	 * @param cause why a read that wanted a replica did not get one, or {@code null} when the work
	 * wanted the primary
	 * @param guarded whether it counts against the cap on fallback reads
	 * @param sticky how the session's sticky replica changes on success
	 */
	record ToPrimary(RouteReason reason, FallbackCause cause, boolean guarded, StickyUpdate sticky) implements Plan {

		/**
		 * @return whether the session's consistency token, not the replicas' state, sent the read
		 * here: such reads may use only part of the fallback cap
		 */
		boolean tokenCaused() {
			return this.cause == FallbackCause.CONSISTENCY || this.reason == RouteReason.PINNED;
		}

		@Override
		public String toString() {
			return "primary (" + this.reason.tag() + ((this.cause != null) ? ", " + this.cause.tag() : "") + ")"
					+ (this.guarded ? ", counted against max-primary-reads" : "");
		}

	}

	/**
	 * No node can take the work; it fails at once with an explanation.
	 * @param why which refusal
	 * @param intent what the work needed, for the message
	 * @param tokenCaused whether the session's consistency token sent the read to the primary
	 */
	record Refuse(Refusal why, RouteIntent intent, boolean tokenCaused) implements Plan {

		@Override
		public String toString() {
			return "refuse (" + this.why.name().toLowerCase(java.util.Locale.ROOT) + ")";
		}

	}

	/**
	 * Wait until the topology changes, then plan again (fallback policy {@code wait}).
	 * @param timeoutNanos the longest wait
	 */
	record AwaitReplica(long timeoutNanos) implements Plan {

		@Override
		public String toString() {
			return "wait up to " + this.timeoutNanos / 1_000_000 + " ms for a replica";
		}

	}

	/**
	 * Wait until the monitor has read the primary's position after {@code sinceMillis}, then plan
	 * again: the session requires transactions the primary was not known to have, which only a
	 * newer position can confirm or prove forged.
	 * @param sinceMillis the wall clock when the read was planned
	 * @param timeoutNanos the longest wait
	 */
	record AwaitPrimaryPosition(long sinceMillis, long timeoutNanos) implements Plan {

		@Override
		public String toString() {
			return "wait up to " + this.timeoutNanos / 1_000_000 + " ms for a newer primary position";
		}

	}

	/**
	 * Wait until the monitor knows a writable primary, then plan again: the primary is changing or
	 * down, and new write work would rather wait a moment than fail.
	 * @param timeoutNanos the longest wait
	 */
	record AwaitPrimary(long timeoutNanos) implements Plan {

		@Override
		public String toString() {
			return "wait up to " + this.timeoutNanos / 1_000_000 + " ms for a writable primary";
		}

	}

	/** Why work is refused. */
	enum Refusal {

		/** No replica of the group qualifies and the fallback policy does not allow the primary. */
		NO_REPLICA,

		/** The work needs the primary and the monitor knows no writable one (down, changing, split brain). */
		PRIMARY_DOWN

	}

	/** The primary for work that wanted it, as a constant per reason: the normal write path allocates nothing. */
	static ToPrimary wanted(RouteReason reason) {
		return Constants.WANTED[reason.ordinal()];
	}

	/** Shared plans. */
	final class Constants {

		static final ToPrimary[] WANTED = new ToPrimary[RouteReason.values().length];

		static {
			for (RouteReason reason : RouteReason.values()) {
				WANTED[reason.ordinal()] = new ToPrimary(reason, null, false, StickyUpdate.NONE);
			}
		}

		private Constants() {
		}

	}

}
