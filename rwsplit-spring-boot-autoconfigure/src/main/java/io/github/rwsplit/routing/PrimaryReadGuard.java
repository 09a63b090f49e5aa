package io.github.rwsplit.routing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The cap on reads that fell back to the primary ({@code rwsplit.fallback.max-primary-reads}):
 * counts them while their connections are open and refuses beyond the cap, so that a replica
 * outage cannot stampede the primary. Reads sent there by their session's consistency token (a
 * replica not yet caught up with the session's writes, or a token naming what no replica has) may
 * take all but a quarter of the cap: they can never starve the reads of a real outage.
 *
 * <p>Only the degraded path comes here; the connection it hands out is a small proxy that gives
 * the slot back on close.
 */
final class PrimaryReadGuard {

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger tokenInFlight = new AtomicInteger();

	PrimaryReadGuard() {
	}

	/** @return fallback reads on the primary now */
	int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * @param cap the most fallback reads at once
	 * @return the most of them that consistency tokens may cause: all but a quarter of the cap (at
	 * least one slot), which stays free for the reads of a replica outage
	 */
	static int tokenCap(int cap) {
		return Math.max(1, cap - Math.max(1, cap / 4));
	}

	/**
	 * Whether a fallback read would be let through now (another may take the slot first).
	 * @param cap the most fallback reads at once
	 * @param tokenCaused whether the session's token sends the read here
	 * @return whether the read would get a slot now
	 */
	boolean hasRoom(int cap, boolean tokenCaused) {
		return this.inFlight.get() < cap && (!tokenCaused || this.tokenInFlight.get() < tokenCap(cap));
	}

	/**
	 * A primary connection for a fallback read, or a refusal.
	 * @param primary where the primary's connections come from now (it follows primary changes)
	 * @param cap the most fallback reads at once
	 * @param tokenCaused whether the session's token sent the read here
	 * @param refusal the explanation, built only when refusing
	 * @return the connection, which frees its slot when closed
	 * @throws SQLException when the cap is reached or the primary's pool fails
	 */
	Connection open(PrimaryConnection primary, int cap, boolean tokenCaused, Supplier<String> refusal)
			throws SQLException {
		if (this.inFlight.incrementAndGet() > cap) {
			this.inFlight.decrementAndGet();
			throw new CapReached(RoutingMessages.guardTripped(refusal.get(), cap, tokenCap(cap), false));
		}
		if (tokenCaused && this.tokenInFlight.incrementAndGet() > tokenCap(cap)) {
			this.tokenInFlight.decrementAndGet();
			this.inFlight.decrementAndGet();
			throw new CapReached(RoutingMessages.guardTripped(refusal.get(), cap, tokenCap(cap), true));
		}
		try {
			return release(primary.open(), tokenCaused);
		}
		catch (SQLException | RuntimeException ex) {
			free(tokenCaused);
			throw ex;
		}
	}

	private void free(boolean tokenCaused) {
		if (tokenCaused) {
			this.tokenInFlight.decrementAndGet();
		}
		this.inFlight.decrementAndGet();
	}

	private Connection release(Connection target, boolean tokenCaused) {
		AtomicBoolean released = new AtomicBoolean();
		return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> {
					switch (method.getName()) {
						case "close", "abort":
							if (released.compareAndSet(false, true)) {
								free(tokenCaused);
							}
							break;
						case "equals":
							return proxy == args[0];
						case "hashCode":
							return System.identityHashCode(proxy);
						case "unwrap":
							if (((Class<?>) args[0]).isInstance(proxy)) {
								return proxy;
							}
							break;
						default:
					}
					try {
						return method.invoke(target, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getTargetException();
					}
				});
	}

	/** Opens a connection to the current primary. */
	@FunctionalInterface
	interface PrimaryConnection {

		Connection open() throws SQLException;

	}

	/** A fallback read refused because the primary already serves as many as it may. */
	static final class CapReached extends SQLTransientConnectionException {

		private static final long serialVersionUID = 1L;

		CapReached(String message) {
			super(message, "08001");
		}

	}

}
