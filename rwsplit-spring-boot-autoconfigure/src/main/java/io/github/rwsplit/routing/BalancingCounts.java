package io.github.rwsplit.routing;

import java.util.concurrent.atomic.LongAdder;

/**
 * How sticky replicas and slow start shaped reads, per router. Incremented on the connection hot
 * path (lock-free adders); read by metrics and the Actuator endpoint.
 */
public final class BalancingCounts {

	/** Reads served by the replica their session sticks to. */
	public final LongAdder stickyHits = new LongAdder();

	/** Sessions given a replica to stick to at their first read. */
	public final LongAdder stickyAssigned = new LongAdder();

	/** Sessions moved to another replica at least as far along, because theirs was not eligible. */
	public final LongAdder stickyMoved = new LongAdder();

	/**
	 * Reads sent to the primary because no eligible replica was known to be at least as far along
	 * as the session's own.
	 */
	public final LongAdder stickyPrimary = new LongAdder();

	/** Reads the balancer gave to a replica in slow start that went to another replica instead. */
	public final LongAdder slowStartDeferred = new LongAdder();

}
