package io.github.rwsplit.routing;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Resolves what the current work needs from the thread's routing state, by the rules of
 * {@link RoutingContext}: the route a running transaction was given when it began; else the
 * innermost explicit scope; else, in a transaction rwsplit did not see begin, its read-only flag;
 * else the primary. Reads only: the intents are made when scopes and transactions begin, so this
 * allocates nothing and writes nothing.
 */
final class IntentResolver {

	private IntentResolver() {
	}

	/**
	 * @param state the current thread's routing state
	 * @return what the work needs
	 */
	static RouteIntent resolve(RoutingContext.State state) {
		return resolve(state, TransactionSynchronizationManager.isActualTransactionActive());
	}

	/**
	 * @param state the current thread's routing state
	 * @param inTransaction whether a transaction is active, as the caller already asked
	 * @return what the work needs
	 */
	static RouteIntent resolve(RoutingContext.State state, boolean inTransaction) {
		RoutingContext.TransactionRoute transaction = inTransaction ? RoutingContext.live(state.transaction) : null;
		if (transaction != null) {
			return transaction.intent;
		}
		RoutingContext.Scope scope = state.scope;
		if (scope != null) {
			return scope.intent;
		}
		if (inTransaction && TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			return RouteIntent.READ_ONLY_FLAG;
		}
		return RouteIntent.PRIMARY_BY_DEFAULT;
	}

}
