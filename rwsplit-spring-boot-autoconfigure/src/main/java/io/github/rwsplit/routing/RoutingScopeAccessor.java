package io.github.rwsplit.routing;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Carries the current thread's routing scope to work on other threads through Micrometer's
 * context propagation ({@code ContextSnapshot}, Spring's {@code ContextPropagatingTaskDecorator}):
 * work submitted from inside {@code @ReadReplica} (or {@link RoutingContext#enter}) reads from a
 * replica of the same group within the same staleness budget and consistency mode, work submitted
 * from inside rwsplit's {@code @Primary} goes to the primary, and an {@code @AutocommitReads}
 * override holds there too.
 *
 * <p>Only the innermost scope's routing travels, as a scope of the work's own: closing it on the
 * other thread touches nothing of the submitter's. What never travels: the submitter's
 * transactions and their routes (the work has its own connection and transactions), a read-retry
 * unit, the waits it made in vain, its last plan. When the work ends, the thread's previous scope
 * is restored exactly, or cleared when it had none, so nothing leaks into the next task on a
 * pooled thread.
 *
 * <p>Registered by rwsplit's auto-configuration when {@code rwsplit.context-propagation.enabled}
 * is on; not loaded otherwise.
 */
public final class RoutingScopeAccessor implements ThreadLocalAccessor<Object> {

	/** The key under which the routing scope travels in a context snapshot. */
	public static final String KEY = "rwsplit.routing-scope";

	/** A thread's scope and autocommit-reads override, as they are. */
	private record Carried(RoutingContext.Scope scope, Route autocommitReads) {
	}

	@Override
	public Object key() {
		return KEY;
	}

	/** @return the current scope and override, or {@code null} when the thread has neither */
	@Override
	public @Nullable Object getValue() {
		RoutingContext.State state = RoutingContext.state();
		if (state.scope == null && state.autocommitReads == null) {
			return null;
		}
		return new Carried(state.scope, state.autocommitReads);
	}

	/** Enters a copy of the carried scope on this thread: the same routing, bound to this thread's state. */
	@Override
	public void setValue(Object value) {
		Carried carried = (Carried) value;
		RoutingContext.State state = RoutingContext.state();
		RoutingContext.Scope from = carried.scope();
		if (from != null) {
			state.scope = new RoutingContext.Scope(state, from.route, from.group, from.maxLagNanos, from.consistency,
					from.site);
		}
		state.autocommitReads = carried.autocommitReads();
	}

	/** The snapshot carries no scope: the work starts with none. */
	@Override
	public void setValue() {
		restore();
	}

	@Override
	public void restore(Object previousValue) {
		Carried previous = (Carried) previousValue;
		RoutingContext.State state = RoutingContext.state();
		state.scope = previous.scope();
		state.autocommitReads = previous.autocommitReads();
	}

	@Override
	public void restore() {
		RoutingContext.State state = RoutingContext.state();
		state.scope = null;
		state.autocommitReads = null;
	}

}
