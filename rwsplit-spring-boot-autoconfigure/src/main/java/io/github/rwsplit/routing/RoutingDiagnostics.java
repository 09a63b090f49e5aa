package io.github.rwsplit.routing;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reports routing requests that cannot take effect, once per site, instead of letting them fail
 * silently. Not called on the connection hot path's normal flow.
 */
public final class RoutingDiagnostics {

	private static final Log logger = LogFactory.getLog(RoutingDiagnostics.class);

	/** Sites (methods, usually) already reported as having joined a differently routed transaction. */
	private static final Set<Object> JOINED_SITES = ConcurrentHashMap.newKeySet();

	private static final AtomicBoolean listenerMissingReported = new AtomicBoolean();

	private static final AtomicBoolean scopeLeftOpenReported = new AtomicBoolean();

	private RoutingDiagnostics() {
	}

	/** Enough for every annotated method of an application; programmatic sites beyond it go unreported. */
	private static final int MAX_SITES = 1024;

	static void scopeJoinedRunningTransaction(Object site, Route wanted, String wantedGroup, Route actual,
			String actualGroup) {
		if (JOINED_SITES.size() < MAX_SITES && JOINED_SITES.add(site)) {
			String where = describe(site);
			logger.warn("rwsplit: " + where + " asks for " + describe(wanted, wantedGroup) + " but joined a transaction "
					+ "already routed to " + describe(actual, actualGroup) + "; a running transaction never moves, so "
					+ "its work stays there. Give the method its own transaction (propagation REQUIRES_NEW) or "
					+ "annotate the caller that starts the transaction. (Reported once.)");
		}
	}

	static void transactionWithoutListener() {
		// Reached from the connection hot path: once reported, a plain volatile read.
		if (!listenerMissingReported.get() && listenerMissingReported.compareAndSet(false, true)) {
			logger.warn("rwsplit: a connection was routed inside a transaction that rwsplit did not see begin (a "
					+ "transaction manager for another resource, JTA, or one without rwsplit's RoutingTransactionListener); "
					+ "it is routed by the innermost @ReadReplica/@Primary, else the read-only flag, at its first "
					+ "statement. (Reported once.)");
		}
	}

	static void scopeLeftOpen(Object site) {
		if (!scopeLeftOpenReported.get() && scopeLeftOpenReported.compareAndSet(false, true)) {
			logger.warn("rwsplit: the routing scope of " + describe(site) + " was closed while a scope opened inside it "
					+ "was still open; both are closed now. Close every RoutingContext.enter(...) scope, ideally with "
					+ "try-with-resources. (Reported once.)");
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
		JOINED_SITES.clear();
		listenerMissingReported.set(false);
		scopeLeftOpenReported.set(false);
	}

}
