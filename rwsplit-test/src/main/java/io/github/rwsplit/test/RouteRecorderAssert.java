package io.github.rwsplit.test;

import java.util.List;

import org.assertj.core.api.AbstractAssert;

import io.github.rwsplit.routing.Route;

/**
 * Assertions on the routes a {@link RouteRecorder} recorded since it was last reset. Failures list
 * every recorded route.
 */
public final class RouteRecorderAssert extends AbstractAssert<RouteRecorderAssert, RouteRecorder> {

	RouteRecorderAssert(RouteRecorder recorder) {
		super(recorder, RouteRecorderAssert.class);
	}

	/**
	 * @return assertions on the last connection checked out
	 */
	public RecordedRouteAssert last() {
		List<RecordedRoute> routes = routes();
		if (routes.isEmpty()) {
			failWithMessage("Expected a route, but no connection was checked out (work runs on a connection only "
					+ "at its first statement)");
		}
		return new RecordedRouteAssert(routes.get(routes.size() - 1), "the last route");
	}

	/**
	 * @return assertions on the one connection checked out; fails when there were none or more
	 */
	public RecordedRouteAssert single() {
		List<RecordedRoute> routes = routes();
		if (routes.size() != 1) {
			failWithMessage("Expected exactly one route, but there were %d: %s", routes.size(), routes);
		}
		return new RecordedRouteAssert(routes.get(0), "the route");
	}

	/**
	 * @param index the position, from 0 for the oldest
	 * @return assertions on that route
	 */
	public RecordedRouteAssert route(int index) {
		List<RecordedRoute> routes = routes();
		if (index < 0 || index >= routes.size()) {
			failWithMessage("Expected a route at index %d, but there were %d: %s", index, routes.size(), routes);
		}
		return new RecordedRouteAssert(routes.get(index), "route " + index);
	}

	/**
	 * @param count the expected number of connections checked out
	 * @return this
	 */
	public RouteRecorderAssert hasSize(int count) {
		List<RecordedRoute> routes = routes();
		if (routes.size() != count) {
			failWithMessage("Expected %d routes, but there were %d: %s", count, routes.size(), routes);
		}
		return this;
	}

	/** @return this, when no connection was checked out */
	public RouteRecorderAssert isEmpty() {
		return hasSize(0);
	}

	/** @return this, when there was at least one route and every one went to a replica */
	public RouteRecorderAssert allWentToReplicas() {
		return allWentTo(Route.REPLICA);
	}

	/** @return this, when there was at least one route and every one went to the primary */
	public RouteRecorderAssert allWentToPrimary() {
		return allWentTo(Route.PRIMARY);
	}

	private RouteRecorderAssert allWentTo(Route route) {
		List<RecordedRoute> routes = routes();
		if (routes.isEmpty() || routes.stream().anyMatch((recorded) -> recorded.route() != route)) {
			failWithMessage("Expected every route to go to the %s, but they were: %s",
					(route == Route.PRIMARY) ? "primary" : "replicas", routes.isEmpty() ? "none" : routes);
		}
		return this;
	}

	private List<RecordedRoute> routes() {
		isNotNull();
		return this.actual.routes();
	}

}
