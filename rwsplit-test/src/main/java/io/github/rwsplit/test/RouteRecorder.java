package io.github.rwsplit.test;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.routing.Route;
import io.github.rwsplit.routing.RouteListener;
import io.github.rwsplit.routing.RouteReason;

/**
 * Records where each connection went, in the order they were checked out, from every thread.
 * {@link RecordRoutes} declares one as a bean and empties it before each test method runs (after
 * its {@code @BeforeEach} methods), so a test sees its own routes only. Assert with
 * {@link RouteAssertions#assertThat(RouteRecorder)}.
 */
public final class RouteRecorder implements RouteListener {

	private final Queue<RecordedRoute> routes = new ConcurrentLinkedQueue<>();

	@Override
	public void routed(String node, Route route, @Nullable String group, RouteReason reason) {
		this.routes.add(new RecordedRoute(node, route, group, reason, Thread.currentThread().getName()));
	}

	/** @return the routes recorded since the last {@link #reset()}, oldest first */
	public List<RecordedRoute> routes() {
		return List.copyOf(this.routes);
	}

	/** Forgets every route recorded so far. */
	public void reset() {
		this.routes.clear();
	}

	@Override
	public String toString() {
		return this.routes.toString();
	}

}
