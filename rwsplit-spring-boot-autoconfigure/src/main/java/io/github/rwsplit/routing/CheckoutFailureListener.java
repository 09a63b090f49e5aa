package io.github.rwsplit.routing;

import java.sql.SQLException;

/**
 * Told when a node's pool could not hand out a connection, so that the node can be taken out of
 * rotation at once rather than at its next check. The lag monitor implements it.
 */
@FunctionalInterface
public interface CheckoutFailureListener {

	/** Does nothing: the router without a monitor. */
	CheckoutFailureListener NONE = (node, failure) -> {
	};

	/**
	 * A checkout failed. Called on the thread that tried; must not block for long.
	 * @param node the node's name
	 * @param failure what the pool threw
	 */
	void checkoutFailed(String node, SQLException failure);

	/**
	 * A connection to a node was lost in the middle of a statement. That may be the server dying
	 * or one stale connection; by default it is treated as a failed checkout.
	 * @param node the node's name
	 * @param failure what the driver threw
	 */
	default void connectionLost(String node, SQLException failure) {
		checkoutFailed(node, failure);
	}

	/**
	 * A connection of the primary's pool was refused a write because the server is read-only now:
	 * the primary may have changed. The monitor re-checks roles at once.
	 * @param node the node the connection belongs to
	 * @param failure what the server said
	 */
	default void primaryReadOnly(String node, SQLException failure) {
	}

}
