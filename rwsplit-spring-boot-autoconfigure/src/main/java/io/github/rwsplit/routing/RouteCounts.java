package io.github.rwsplit.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many connections the router handed out, per node and reason, and how many reads fell back,
 * per cause. Counting is one {@link LongAdder#increment()} per checkout, with no lookup that
 * allocates; metrics and the endpoint read the adders.
 */
public final class RouteCounts {

	/** Why a read that wanted a replica did not get one. */
	public enum FallbackCause {

		/** No replica of the group qualified; the primary served the read. */
		NO_REPLICA("no-replica"),

		/** No replica had the session's writes in time (read-your-writes); the primary served it. */
		CONSISTENCY("consistency"),

		/** The read failed: policy fail, or the wait policy's bound passed. */
		FAILED("failed"),

		/** The read failed fast: the primary already served max-primary-reads fallback reads. */
		GUARD_TRIPPED("guard-tripped");

		private final String tag;

		FallbackCause(String tag) {
			this.tag = tag;
		}

		/** @return the cause as metrics tag it */
		public String tag() {
			return this.tag;
		}

	}

	private final Map<String, LongAdder[]> routes = new LinkedHashMap<>();

	private final LongAdder[] fallbacks = new LongAdder[FallbackCause.values().length];

	private final LongAdder checkoutRetries = new LongAdder();

	RouteCounts(List<String> nodes) {
		for (String node : nodes) {
			LongAdder[] byReason = new LongAdder[RouteReason.values().length];
			for (int i = 0; i < byReason.length; i++) {
				byReason[i] = new LongAdder();
			}
			this.routes.put(node, byReason);
		}
		for (int i = 0; i < this.fallbacks.length; i++) {
			this.fallbacks[i] = new LongAdder();
		}
	}

	void routed(String node, RouteReason reason) {
		LongAdder[] byReason = this.routes.get(node);
		if (byReason != null && reason != null) {
			byReason[reason.ordinal()].increment();
		}
	}

	void fellBack(FallbackCause cause) {
		this.fallbacks[cause.ordinal()].increment();
	}

	void retriedCheckout() {
		this.checkoutRetries.increment();
	}

	/** @return the adder counting reads moved to another replica after one refused a connection */
	public LongAdder checkoutRetries() {
		return this.checkoutRetries;
	}

	/**
	 * @param node a node's name
	 * @param reason a reason
	 * @return the adder counting connections handed out for it, or {@code null} for an unknown node
	 */
	public LongAdder route(String node, RouteReason reason) {
		LongAdder[] byReason = this.routes.get(node);
		return (byReason != null) ? byReason[reason.ordinal()] : null;
	}

	/**
	 * @param cause a cause
	 * @return the adder counting fallbacks for it
	 */
	public LongAdder fallback(FallbackCause cause) {
		return this.fallbacks[cause.ordinal()];
	}

	/**
	 * @param node a node's name
	 * @return connections handed out for the node, by reason tag, omitting zeros
	 */
	public Map<String, Long> routes(String node) {
		Map<String, Long> counts = new LinkedHashMap<>();
		LongAdder[] byReason = this.routes.get(node);
		if (byReason != null) {
			for (RouteReason reason : RouteReason.values()) {
				long count = byReason[reason.ordinal()].sum();
				if (count > 0) {
					counts.put(reason.tag(), count);
				}
			}
		}
		return counts;
	}

}
