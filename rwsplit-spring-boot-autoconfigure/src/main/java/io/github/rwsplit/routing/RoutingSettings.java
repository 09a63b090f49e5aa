package io.github.rwsplit.routing;

import java.util.Objects;

import io.github.rwsplit.statement.SqlClassifier;

/**
 * Everything that shapes routing decisions and can be configured, as one immutable value. The
 * router holds the current value in one volatile field and replaces it whole, so a decision never
 * sees half of a reconfiguration (a new fallback policy with the old retry count, say).
 *
 * @param fallback what reads do when no replica qualifies
 * @param checkoutRetries how many other replicas a read tries when a replica refuses a connection
 * @param consistency how reads see their session's writes
 * @param sticky whether each session's reads stay on one replica
 * @param balancer the load-balancing strategy with slow start around it
 * @param autocommitReads where statements outside transactions go by default
 * @param classifier classifies statements; {@code null} when statements are not classified
 * @param retryReads whether read work that lost its replica connection runs once more elsewhere
 * @param awaitPrimaryNanos how long new write work waits for a writable primary while none is known
 */
record RoutingSettings(ReplicaFallback fallback, int checkoutRetries, ConsistencySettings consistency, boolean sticky,
		SlowStartSelector balancer, Route autocommitReads, SqlClassifier classifier, boolean retryReads,
		long awaitPrimaryNanos) {

	RoutingSettings {
		Objects.requireNonNull(fallback, "fallback");
		Objects.requireNonNull(consistency, "consistency");
		Objects.requireNonNull(autocommitReads, "autocommitReads");
		if (checkoutRetries < 0) {
			throw new IllegalArgumentException("checkoutRetries must not be negative, was " + checkoutRetries);
		}
		Objects.requireNonNull(balancer, "balancer");
		if (awaitPrimaryNanos < 0) {
			throw new IllegalArgumentException("awaitPrimaryNanos must not be negative, was " + awaitPrimaryNanos);
		}
		if (autocommitReads == Route.REPLICA && classifier == null) {
			throw new IllegalArgumentException("routing autocommit reads to replicas needs a classifier");
		}
	}

	/** How long new write work waits for a writable primary unless configured: three seconds. */
	static final long DEFAULT_AWAIT_PRIMARY_NANOS = 3_000_000_000L;

	/**
	 * The settings of a router nobody configured: the primary serves reads no replica can.
	 * @param selector the load-balancing strategy
	 * @return the settings
	 */
	static RoutingSettings defaults(ReplicaSelector selector) {
		return new RoutingSettings(ReplicaFallback.unguardedPrimary(), 2, ConsistencySettings.eventual(), false,
				new SlowStartSelector(selector, 0), Route.PRIMARY, null, true, DEFAULT_AWAIT_PRIMARY_NANOS);
	}

	RoutingSettings withFallback(ReplicaFallback fallback) {
		return new RoutingSettings(fallback, this.checkoutRetries, this.consistency, this.sticky, this.balancer,
				this.autocommitReads, this.classifier, this.retryReads, this.awaitPrimaryNanos);
	}

	RoutingSettings withCheckoutRetries(int checkoutRetries) {
		return new RoutingSettings(this.fallback, checkoutRetries, this.consistency, this.sticky, this.balancer,
				this.autocommitReads, this.classifier, this.retryReads, this.awaitPrimaryNanos);
	}

	RoutingSettings withConsistency(ConsistencySettings consistency) {
		return new RoutingSettings(this.fallback, this.checkoutRetries, consistency, this.sticky, this.balancer,
				this.autocommitReads, this.classifier, this.retryReads, this.awaitPrimaryNanos);
	}

	RoutingSettings withSticky(boolean sticky) {
		return new RoutingSettings(this.fallback, this.checkoutRetries, this.consistency, sticky, this.balancer,
				this.autocommitReads, this.classifier, this.retryReads, this.awaitPrimaryNanos);
	}

	RoutingSettings withSlowStartNanos(long slowStartNanos) {
		if (slowStartNanos < 0) {
			throw new IllegalArgumentException("the slow-start window must be zero or positive, was " + slowStartNanos);
		}
		return new RoutingSettings(this.fallback, this.checkoutRetries, this.consistency, this.sticky,
				this.balancer.withWindow(slowStartNanos), this.autocommitReads, this.classifier, this.retryReads, this.awaitPrimaryNanos);
	}

	/** @return how long a replica entering rotation takes to reach its full share, 0 for no ramp */
	long slowStartNanos() {
		return this.balancer.windowNanos();
	}

	RoutingSettings withAutocommitReads(Route autocommitReads, SqlClassifier classifier) {
		return new RoutingSettings(this.fallback, this.checkoutRetries, this.consistency, this.sticky,
				this.balancer, autocommitReads, classifier, this.retryReads, this.awaitPrimaryNanos);
	}

	RoutingSettings withRetryReads(boolean retryReads) {
		return new RoutingSettings(this.fallback, this.checkoutRetries, this.consistency, this.sticky, this.balancer,
				this.autocommitReads, this.classifier, retryReads, this.awaitPrimaryNanos);
	}

	RoutingSettings withAwaitPrimaryNanos(long awaitPrimaryNanos) {
		return new RoutingSettings(this.fallback, this.checkoutRetries, this.consistency, this.sticky, this.balancer,
				this.autocommitReads, this.classifier, this.retryReads, awaitPrimaryNanos);
	}

	/**
	 * @param state the current thread's routing state
	 * @return where statements outside transactions go on this thread: its {@code @AutocommitReads},
	 * else the configured mode; {@link Route#PRIMARY} when statements cannot be classified
	 */
	Route autocommitReads(RoutingContext.State state) {
		if (this.classifier == null) {
			return Route.PRIMARY;
		}
		return (state.autocommitReads != null) ? state.autocommitReads : this.autocommitReads;
	}

	/** @return whether fallback reads on the primary are counted against a cap */
	boolean primaryReadsCapped() {
		return this.fallback.policy() == ReplicaFallback.Policy.PRIMARY
				&& this.fallback.maxPrimaryReads() != Integer.MAX_VALUE;
	}

}
