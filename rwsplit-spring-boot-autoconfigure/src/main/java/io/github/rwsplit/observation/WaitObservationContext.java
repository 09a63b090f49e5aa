package io.github.rwsplit.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.routing.WaitObserver;

/**
 * The context of one observed wait: what it is for, the node, and, once it ended, how. Holds no
 * GTID set and no statement.
 */
public class WaitObservationContext extends Observation.Context {

	private final WaitObserver.Reason reason;

	private final String node;

	private volatile WaitObserver.@Nullable Outcome outcome;

	/**
	 * @param reason what the wait is for
	 * @param node the node waited on, or {@link WaitObserver#NO_NODE}
	 */
	public WaitObservationContext(WaitObserver.Reason reason, String node) {
		this.reason = reason;
		this.node = node;
	}

	/** @return what the wait is for */
	public WaitObserver.Reason getReason() {
		return this.reason;
	}

	/** @return the node waited on, or {@link WaitObserver#NO_NODE} */
	public String getNode() {
		return this.node;
	}

	/** @return how the wait ended, {@code null} while it runs */
	public WaitObserver.@Nullable Outcome getOutcome() {
		return this.outcome;
	}

	/** @param outcome how the wait ended */
	public void setOutcome(WaitObserver.Outcome outcome) {
		this.outcome = outcome;
	}

}
