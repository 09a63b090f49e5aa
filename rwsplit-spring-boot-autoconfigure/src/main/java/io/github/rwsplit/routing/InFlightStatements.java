package io.github.rwsplit.routing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replica connections of each node, as Connector/J creates them, so that when the monitor
 * declares a replica unreachable the ones with a statement in flight can be aborted: the reads
 * waiting on a hung server fail at once (and are run again elsewhere, see {@link ReadAttempt})
 * instead of waiting for the server, however long it hangs.
 *
 * <p>rwsplit's Connector/J query interceptor registers each connection when the driver creates it
 * (once per connection, not per statement); per statement it only writes a volatile flag of its
 * own. Connector/J never tells query interceptors that their connection closed, so closed
 * connections are dropped whenever one is registered or aborted. Not for applications.
 */
public final class InFlightStatements {

	/** One physical replica connection, as its query interceptor sees it. */
	public interface Tracked {

		/** @return whether a statement was sent and its results not yet read */
		boolean statementInFlight();

		/** Closes the connection's socket at once, without waiting for the server or a lock. */
		void abort();

		/** @return whether the connection is closed */
		boolean closed();

	}

	private static final Map<String, Set<Tracked>> NODES = new ConcurrentHashMap<>();

	private InFlightStatements() {
	}

	private static String key(String routerId, String node) {
		return routerId + '\u0000' + node;
	}

	/**
	 * @param routerId the router's id, from the connection's properties
	 * @param node the replica's name
	 * @param connection a connection the driver just created
	 */
	public static void register(String routerId, String node, Tracked connection) {
		Set<Tracked> connections = NODES.computeIfAbsent(key(routerId, node), (key) -> ConcurrentHashMap.newKeySet());
		connections.removeIf(Tracked::closed);
		connections.add(connection);
	}

	/**
	 * @param routerId the router's id
	 * @param node the replica's name
	 * @param connection a connection the driver is destroying
	 */
	public static void unregister(String routerId, String node, Tracked connection) {
		Set<Tracked> connections = NODES.get(key(routerId, node));
		if (connections != null) {
			connections.remove(connection);
		}
	}

	/**
	 * Aborts the node's connections that have a statement in flight; for the monitor, when the
	 * node stopped answering. Idle connections are left to the pool to evict.
	 * @param routerId the router's id
	 * @param node the replica's name
	 * @return how many connections were aborted
	 */
	public static int abortInFlight(String routerId, String node) {
		Set<Tracked> connections = NODES.get(key(routerId, node));
		if (connections == null) {
			return 0;
		}
		int aborted = 0;
		for (Tracked connection : connections) {
			if (connection.closed()) {
				connections.remove(connection);
			}
			else if (connection.statementInFlight()) {
				connections.remove(connection);
				connection.abort();
				aborted++;
			}
		}
		return aborted;
	}

	/**
	 * @param routerId the router's id
	 * @param node the replica's name
	 * @return how many of the node's connections have a statement in flight now
	 */
	public static int inFlight(String routerId, String node) {
		Set<Tracked> connections = NODES.get(key(routerId, node));
		int count = 0;
		if (connections != null) {
			for (Tracked connection : connections) {
				if (connection.statementInFlight()) {
					count++;
				}
			}
		}
		return count;
	}

	/** Forgets a router's connections; called when it closes. */
	static void remove(String routerId) {
		NODES.keySet().removeIf((key) -> key.startsWith(routerId + '\u0000'));
	}

}
