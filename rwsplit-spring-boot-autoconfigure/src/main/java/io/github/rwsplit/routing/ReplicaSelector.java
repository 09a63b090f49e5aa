package io.github.rwsplit.routing;

import java.util.List;

/**
 * Chooses which replica serves a read. Declaring a bean of this type replaces rwsplit's choice
 * of strategy ({@code rwsplit.load-balancing}).
 *
 * <p>Called on the connection hot path, concurrently: implementations must be thread-safe, must
 * not block or log, and should not allocate.
 */
@FunctionalInterface
public interface ReplicaSelector {

	/**
	 * Chooses one replica.
	 * @param candidates the replicas in rotation in the wanted group; never empty, immutable
	 * @return one of the candidates
	 */
	ReplicaNode select(List<ReplicaNode> candidates);

}
