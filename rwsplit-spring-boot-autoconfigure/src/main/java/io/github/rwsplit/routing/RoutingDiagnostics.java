package io.github.rwsplit.routing;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reports routing requests that cannot take effect, once per site, instead of letting them fail
 * silently. Never called on the connection hot path's normal flow.
 */
public final class RoutingDiagnostics {

	private static final Log logger = LogFactory.getLog(RoutingDiagnostics.class);

	private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

	private RoutingDiagnostics() {
	}

	static void scopeJoinedRunningTransaction(Object site, Route wanted, String wantedGroup, Route actual,
			String actualGroup) {
		String where = describe(site);
		if (REPORTED.add("joined:" + where)) {
			logger.warn("rwsplit: " + where + " asks for " + describe(wanted, wantedGroup) + " but joined a transaction "
					+ "already routed to " + describe(actual, actualGroup) + "; a running transaction never moves, so "
					+ "its work stays there. Give the method its own transaction (propagation REQUIRES_NEW) or "
					+ "annotate the caller that starts the transaction. (Reported once.)");
		}
	}

	static void transactionWithoutListener() {
		if (REPORTED.add("no-listener")) {
			logger.warn("rwsplit: a transaction began on a transaction manager without rwsplit's "
					+ "RoutingTransactionListener; its route is worked out at its first statement, so @ReadReplica or "
					+ "@Primary entered inside it can move it. Register the listener with that transaction manager. "
					+ "(Reported once.)");
		}
	}

	private static String describe(Route route, String group) {
		return (route == Route.PRIMARY) ? "the primary"
				: "a replica of group '" + ((group != null) ? group : "(default)") + "'";
	}

	static String describe(Object site) {
		if (site instanceof Method method) {
			return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "()";
		}
		return String.valueOf(site);
	}

	/** Forgets what was reported; for tests. */
	static void reset() {
		REPORTED.clear();
	}

}
