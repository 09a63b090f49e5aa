package io.github.rwsplit.test;

import java.util.Objects;

import org.assertj.core.api.AbstractAssert;

import io.github.rwsplit.routing.Route;
import io.github.rwsplit.routing.RouteReason;

/**
 * Assertions on one {@link RecordedRoute}.
 */
public final class RecordedRouteAssert extends AbstractAssert<RecordedRouteAssert, RecordedRoute> {

	private final String what;

	RecordedRouteAssert(RecordedRoute route, String what) {
		super(route, RecordedRouteAssert.class);
		this.what = what;
	}

	/** @return this, when the connection came from a replica's pool */
	public RecordedRouteAssert wentToReplica() {
		isNotNull();
		if (this.actual.route() != Route.REPLICA) {
			failWithMessage("Expected %s to go to a replica, but it went to the %s", this.what, this.actual);
		}
		return this;
	}

	/** @return this, when the connection came from the primary's pool */
	public RecordedRouteAssert wentToPrimary() {
		isNotNull();
		if (this.actual.route() != Route.PRIMARY) {
			failWithMessage("Expected %s to go to the primary, but it went to the %s", this.what, this.actual);
		}
		return this;
	}

	/**
	 * @param node a node's name
	 * @return this, when the connection came from that node's pool
	 */
	public RecordedRouteAssert wentTo(String node) {
		isNotNull();
		if (!this.actual.node().equals(node)) {
			failWithMessage("Expected %s to go to '%s', but it went to the %s", this.what, node, this.actual);
		}
		return this;
	}

	/**
	 * @param group a replica group's name
	 * @return this, when the connection came from a replica of that group
	 */
	public RecordedRouteAssert inGroup(String group) {
		wentToReplica();
		if (!Objects.equals(this.actual.group(), group)) {
			failWithMessage("Expected %s to go to a replica of group '%s', but it went to the %s", this.what, group,
					this.actual);
		}
		return this;
	}

	/**
	 * @param reason why it should have gone there
	 * @return this, when rwsplit gave that reason
	 */
	public RecordedRouteAssert withReason(RouteReason reason) {
		isNotNull();
		if (this.actual.reason() != reason) {
			failWithMessage("Expected %s to be routed for reason '%s', but it went to the %s", this.what, reason.tag(),
					this.actual);
		}
		return this;
	}

}
