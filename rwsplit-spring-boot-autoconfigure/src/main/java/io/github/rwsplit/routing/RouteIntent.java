package io.github.rwsplit.routing;

import java.util.EnumMap;
import java.util.Map;

import io.github.rwsplit.consistency.ConsistencyMode;

/**
 * What a unit of work needs from routing, resolved from the thread's scopes and transactions
 * before any node is considered: the role, the replica group, the staleness budget, the
 * consistency mode and why. Immutable; the common intents are constants and the others are made
 * once per scope or transaction, so resolving one allocates nothing.
 *
 * @param route the role the work needs
 * @param group the replica group, or {@code null} for the default group (or the primary)
 * @param maxLagNanos only replicas at most this far behind qualify, or -1 for any in rotation
 * @param mode the consistency mode, or {@code null} for the router's
 * @param reason why, for metrics and diagnostics
 * @param inTransaction whether the work runs in a transaction rwsplit saw begin (work outside one
 * on the primary may write without a captured GTID, which pin mode must remember)
 */
record RouteIntent(Route route, String group, long maxLagNanos, ConsistencyMode mode, RouteReason reason,
		boolean inTransaction) {

	/** Work outside transactions and scopes. */
	static final RouteIntent PRIMARY_BY_DEFAULT = new RouteIntent(Route.PRIMARY, null, -1, null, RouteReason.DEFAULT,
			false);

	/** A read-only transaction rwsplit saw begin, with no scope in force. */
	static final RouteIntent READ_ONLY_TRANSACTION = new RouteIntent(Route.REPLICA, null, -1, null,
			RouteReason.READ_ONLY_TRANSACTION, true);

	/** A read-write transaction rwsplit saw begin, with no scope in force. */
	static final RouteIntent READ_WRITE_TRANSACTION = new RouteIntent(Route.PRIMARY, null, -1, null,
			RouteReason.DEFAULT, true);

	/** A read-only transaction rwsplit did not see begin (its manager lacks the listener). */
	static final RouteIntent READ_ONLY_FLAG = new RouteIntent(Route.REPLICA, null, -1, null,
			RouteReason.READ_ONLY_TRANSACTION, false);

	/** {@code @ReadReplica} with no group, budget or mode, outside a transaction; and inside one. */
	private static final RouteIntent[] PLAIN_SCOPE = {
			new RouteIntent(Route.PRIMARY, null, -1, null, RouteReason.ANNOTATION, false),
			new RouteIntent(Route.REPLICA, null, -1, null, RouteReason.ANNOTATION, false),
			new RouteIntent(Route.PRIMARY, null, -1, null, RouteReason.ANNOTATION, true),
			new RouteIntent(Route.REPLICA, null, -1, null, RouteReason.ANNOTATION, true) };

	private static final Map<RouteReason, RouteIntent> STATEMENT_REPLICA = new EnumMap<>(RouteReason.class);

	private static final Map<RouteReason, RouteIntent> STATEMENT_PRIMARY = new EnumMap<>(RouteReason.class);

	static {
		for (RouteReason reason : RouteReason.values()) {
			STATEMENT_REPLICA.put(reason, new RouteIntent(Route.REPLICA, null, -1, null, reason, false));
			STATEMENT_PRIMARY.put(reason, new RouteIntent(Route.PRIMARY, null, -1, null, reason, false));
		}
	}

	/**
	 * The intent of one node connection of a statement-routed connection.
	 * @param route the role the statement needs
	 * @param reason the statement's class, as a reason
	 * @return a shared constant
	 */
	static RouteIntent forStatement(Route route, RouteReason reason) {
		return ((route == Route.REPLICA) ? STATEMENT_REPLICA : STATEMENT_PRIMARY).get(reason);
	}

	/**
	 * The intent of an explicit scope.
	 * @param route where work in the scope goes
	 * @param group the replica group, or {@code null}
	 * @param maxLagNanos the staleness budget, or -1
	 * @param mode the consistency mode, or {@code null}
	 * @param inTransaction whether it decides a transaction's route
	 * @return the intent
	 */
	static RouteIntent ofScope(Route route, String group, long maxLagNanos, ConsistencyMode mode,
			boolean inTransaction) {
		if (group == null && maxLagNanos < 0 && (mode == null || mode == ConsistencyMode.DEFAULT)) {
			// The usual scope: a shared constant, so entering it allocates no intent.
			return PLAIN_SCOPE[(inTransaction ? 2 : 0) + ((route == Route.REPLICA) ? 1 : 0)];
		}
		return new RouteIntent(route, group, maxLagNanos, mode, RouteReason.ANNOTATION, inTransaction);
	}

	/**
	 * The same intent for a transaction rwsplit saw begin.
	 * @return the intent, marked as in a transaction
	 */
	RouteIntent forTransaction() {
		if (this.inTransaction) {
			return this;
		}
		if (this == READ_ONLY_FLAG) {
			return READ_ONLY_TRANSACTION;
		}
		if (this.reason == RouteReason.ANNOTATION) {
			return ofScope(this.route, this.group, this.maxLagNanos, this.mode, true);
		}
		return new RouteIntent(this.route, this.group, this.maxLagNanos, this.mode, this.reason, true);
	}

	/**
	 * @param settings the router's settings
	 * @return the consistency mode in force for this work
	 */
	ConsistencyMode effectiveMode(RoutingSettings settings) {
		return (this.mode != null && this.mode != ConsistencyMode.DEFAULT) ? this.mode : settings.consistency().mode();
	}

}
