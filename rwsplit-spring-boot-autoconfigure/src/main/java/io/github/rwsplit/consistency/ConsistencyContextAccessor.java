package io.github.rwsplit.consistency;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Carries the session's consistency token to work on other threads through Micrometer's context
 * propagation ({@code ContextSnapshot}, Spring's {@code ContextPropagatingTaskDecorator}, Reactor):
 * the work reads as a session that has made the submitting session's writes, so its reads go to a
 * replica that has them, or wait, or go to the primary, like the submitter's would.
 *
 * <p>The work gets a session of its own that starts with the token the submitter had when it
 * submitted: its own writes are read back by its own later reads, but do not flow back to the
 * submitting session, and nothing is sent to the submitter's sink (a web response may be long
 * gone). {@link ConsistencyContext#wrap(Runnable)} is the way to share one session across
 * threads. When the work ends, the thread's previous session is restored exactly, or cleared when
 * it had none, so nothing leaks into the next task on a pooled thread.
 *
 * <p>Registered by rwsplit's auto-configuration when {@code rwsplit.context-propagation.enabled}
 * is on; not loaded otherwise.
 */
public final class ConsistencyContextAccessor implements ThreadLocalAccessor<Object> {

	/** The key under which the token travels in a context snapshot. */
	public static final String KEY = "rwsplit.consistency";

	@Override
	public Object key() {
		return KEY;
	}

	/** @return the current session, or {@code null} when it has nothing to see */
	@Override
	public @Nullable Object getValue() {
		return ConsistencyContext.currentSessionOrNull();
	}

	@Override
	public void setValue(Object value) {
		ConsistencyContext.setSession(((ConsistencyContext.Session) value).copyWithoutSink());
	}

	/** The snapshot carries no session: the work starts with none. */
	@Override
	public void setValue() {
		ConsistencyContext.clear();
	}

	@Override
	public void restore(Object previousValue) {
		ConsistencyContext.setSession((ConsistencyContext.Session) previousValue);
	}

	@Override
	public void restore() {
		ConsistencyContext.clear();
	}

}
