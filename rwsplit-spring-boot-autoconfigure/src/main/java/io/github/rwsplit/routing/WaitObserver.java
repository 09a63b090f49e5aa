package io.github.rwsplit.routing;

import java.util.Locale;

/**
 * Told when rwsplit starts and ends one of its own waits, so that the wait can show up in traces:
 * a read-your-writes wait on a replica, a write barrier, a fallback wait for a replica or a
 * primary. Only waits that actually happen are reported; a checkout that waits for nothing never
 * calls it. Micrometer's Observation API implements it when an {@code ObservationRegistry} is
 * present ({@code io.github.rwsplit.observation.ObservationWaitObserver}).
 *
 * <p>Everything it is told is low-cardinality: a node name, the wait's reason and its outcome;
 * never a GTID set or a statement.
 */
@FunctionalInterface
public interface WaitObserver {

	/** Observes nothing, and allocates nothing. */
	WaitObserver NONE = (reason, node) -> Wait.NONE;

	/**
	 * A wait starts on the current thread; the caller stops it on the same thread.
	 * @param reason what the wait is for
	 * @param node the node waited on, or {@link #NO_NODE} when the wait is for the topology or
	 * for several nodes
	 * @return the wait, to stop when it ends
	 */
	Wait start(Reason reason, String node);

	/** The {@code node} of a wait that is not on one node. */
	String NO_NODE = "none";

	/** A wait in progress. */
	@FunctionalInterface
	interface Wait {

		/** A wait nobody observes. */
		Wait NONE = (outcome) -> {
		};

		/**
		 * The wait ended.
		 * @param outcome how
		 */
		void stop(Outcome outcome);

	}

	/** What a wait is for, and the role of the node it waits on or for. */
	enum Reason {

		/** A replica applies the session's writes ({@code WAIT_FOR_EXECUTED_GTID_SET}). */
		READ_YOUR_WRITES("replica"),

		/** A sticky session's new replica catches up with the primary ({@code WAIT_FOR_EXECUTED_GTID_SET}). */
		CATCH_UP("replica"),

		/** Replicas apply a write ({@code @Primary(awaitReplicas)}, {@code WriteBarrier}). */
		WRITE_BARRIER("replica"),

		/**
		 * A read that must wait on a replica finds every replica's wait permits taken and its
		 * fallback unable to serve: it waits for a permit.
		 */
		WAIT_PERMIT("replica"),

		/** No replica qualifies and the fallback policy is {@code wait}. */
		NO_REPLICA("replica"),

		/** Write work waits for a writable primary (the primary is changing or down). */
		NO_PRIMARY("primary"),

		/** A read waits for the monitor to read a newer primary position, to verify the session's token. */
		PRIMARY_POSITION("primary");

		private final String role;

		private final String tag;

		Reason(String role) {
			this.role = role;
			this.tag = name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

		/** @return the role of the node waited on or for: {@code replica} or {@code primary} */
		public String role() {
			return this.role;
		}

		/** @return the reason as a key value */
		public String tag() {
			return this.tag;
		}

	}

	/** How a wait ended. */
	enum Outcome {

		/** What it waited for happened in time. */
		REACHED,

		/** The bound passed first. */
		TIMEOUT,

		/** It failed (a statement error, a lost connection, an interrupt). */
		ERROR;

		private final String tag = name().toLowerCase(Locale.ROOT);

		/** @return the outcome as a key value */
		public String tag() {
			return this.tag;
		}

	}

}
