package io.github.rwsplit.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

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

	/** How a read that ran once more after its replica connection failed ended. */
	public enum RetryOutcome {

		/** The second run succeeded. */
		SUCCEEDED("succeeded"),

		/** The second run failed too; its failure reached the caller. */
		FAILED("failed");

		private final String tag;

		RetryOutcome(String tag) {
			this.tag = tag;
		}

		/** @return the outcome as metrics tag it */
		public String tag() {
			return this.tag;
		}

	}

	/** Connections handed out by node, then by reason; replaced whole when a node is added. */
	private volatile Map<String, LongAdder[]> routes = Map.of();

	/** Read retries by the node the first run failed on, then by outcome; replaced whole when a node is added. */
	private volatile Map<String, LongAdder[]> readRetries = Map.of();

	private final LongAdder[] fallbacks = new LongAdder[FallbackCause.values().length];

	private final LongAdder checkoutRetries = new LongAdder();

	RouteCounts(List<String> nodes) {
		for (String node : nodes) {
			addNode(node);
		}
		for (int i = 0; i < this.fallbacks.length; i++) {
			this.fallbacks[i] = new LongAdder();
		}
	}

	/** Counts for one more node (a discovered member); the maps are copied, readers never lock. */
	synchronized void addNode(String node) {
		if (this.routes.containsKey(node)) {
			return;
		}
		LongAdder[] byReason = new LongAdder[RouteReason.values().length];
		for (int i = 0; i < byReason.length; i++) {
			byReason[i] = new LongAdder();
		}
		LongAdder[] byOutcome = new LongAdder[RetryOutcome.values().length];
		for (int i = 0; i < byOutcome.length; i++) {
			byOutcome[i] = new LongAdder();
		}
		Map<String, LongAdder[]> routes = new LinkedHashMap<>(this.routes);
		routes.put(node, byReason);
		Map<String, LongAdder[]> retries = new LinkedHashMap<>(this.readRetries);
		retries.put(node, byOutcome);
		this.routes = java.util.Collections.unmodifiableMap(routes);
		this.readRetries = java.util.Collections.unmodifiableMap(retries);
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

	void readRetried(String failedNode, boolean succeeded) {
		LongAdder[] byOutcome = this.readRetries.get(failedNode);
		if (byOutcome != null) {
			byOutcome[(succeeded ? RetryOutcome.SUCCEEDED : RetryOutcome.FAILED).ordinal()].increment();
		}
	}

	/**
	 * @param failedNode the node a read's first run failed on
	 * @param outcome how the second run ended
	 * @return the adder counting such retries, or {@code null} for an unknown node
	 */
	public @Nullable LongAdder readRetries(String failedNode, RetryOutcome outcome) {
		LongAdder[] byOutcome = this.readRetries.get(failedNode);
		return (byOutcome != null) ? byOutcome[outcome.ordinal()] : null;
	}

	/**
	 * @param failedNode a node's name
	 * @return reads run once more after failing on it, by outcome tag, omitting zeros
	 */
	public Map<String, Long> readRetries(String failedNode) {
		Map<String, Long> counts = new LinkedHashMap<>();
		LongAdder[] byOutcome = this.readRetries.get(failedNode);
		if (byOutcome != null) {
			for (RetryOutcome outcome : RetryOutcome.values()) {
				long count = byOutcome[outcome.ordinal()].sum();
				if (count > 0) {
					counts.put(outcome.tag(), count);
				}
			}
		}
		return counts;
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
	public @Nullable LongAdder route(String node, RouteReason reason) {
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
