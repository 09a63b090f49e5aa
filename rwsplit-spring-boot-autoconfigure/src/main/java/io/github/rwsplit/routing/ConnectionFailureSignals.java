package io.github.rwsplit.routing;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Carries "this replica's connection just died" from Connector/J, which creates its exception
 * interceptors itself and cannot be handed a Spring bean, to the router's
 * {@link CheckoutFailureListener}. Each router registers under its own id, which its replica pools
 * pass to the interceptor as a connection property. Used only when a statement has failed.
 */
public final class ConnectionFailureSignals {

	/** Connection property carrying the router's id. */
	public static final String ROUTER_PROPERTY = "rwsplitRouter";

	private static final Map<String, CheckoutFailureListener> LISTENERS = new ConcurrentHashMap<>();

	private ConnectionFailureSignals() {
	}

	static void register(String routerId, CheckoutFailureListener listener) {
		LISTENERS.put(routerId, listener);
	}

	static void unregister(String routerId) {
		LISTENERS.remove(routerId);
	}

	/**
	 * A connection of a node died mid-statement: for rwsplit's Connector/J plug-in, which the
	 * driver creates by class name in another package; not for applications.
	 * @param routerId the router's id, from the connection's properties, or {@code null}
	 * @param node the node's name
	 * @param failure what the driver threw
	 */
	public static void connectionLost(@Nullable String routerId, String node, SQLException failure) {
		if (routerId == null) {
			return;
		}
		CheckoutFailureListener listener = LISTENERS.get(routerId);
		if (listener != null) {
			listener.connectionLost(node, failure);
		}
	}

	/**
	 * A connection of a primary pool was refused a write as read-only: for rwsplit's Connector/J
	 * plug-in; not for applications.
	 * @param routerId the router's id, from the connection's properties, or {@code null}
	 * @param node the node's name
	 * @param failure what the server said
	 */
	public static void primaryReadOnly(@Nullable String routerId, String node, SQLException failure) {
		if (routerId == null) {
			return;
		}
		CheckoutFailureListener listener = LISTENERS.get(routerId);
		if (listener != null) {
			listener.primaryReadOnly(node, failure);
		}
	}

}
