package io.github.rwsplit.routing;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Told where each connection went, once, after rwsplit checked it out: the node, its role, the
 * replica group and why. Declaring beans of this type registers them with the auto-configured
 * router; {@code rwsplit-test}'s route recorder is one.
 *
 * <p>Called on the connection hot path, on the thread that asked for the connection and before
 * it gets it: implementations must be thread-safe, must not block, and should be cheap. A
 * connection that could not be checked out, or whose precondition did not hold, is not reported;
 * the connection that finally served is. A read retried on another replica is reported twice.
 */
@FunctionalInterface
public interface RouteListener {

	/** Does nothing: the router without listeners. */
	RouteListener NONE = (node, route, group, reason) -> {
	};

	/**
	 * A connection was checked out.
	 * @param node the node's name
	 * @param route {@link Route#PRIMARY} for the primary's pool (writes, and reads that fell back),
	 * {@link Route#REPLICA} for a replica's
	 * @param group the replica group the read asked for, or {@code null} for the primary
	 * @param reason why it went there
	 */
	void routed(String node, Route route, @Nullable String group, RouteReason reason);

	/**
	 * Combines listeners, each told in turn.
	 * @param listeners the listeners, in order
	 * @return one listener; {@link #NONE} for none
	 */
	static RouteListener of(List<? extends RouteListener> listeners) {
		if (listeners.isEmpty()) {
			return NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		RouteListener[] all = listeners.toArray(new RouteListener[0]);
		return (node, route, group, reason) -> {
			for (RouteListener listener : all) {
				listener.routed(node, route, group, reason);
			}
		};
	}

}
