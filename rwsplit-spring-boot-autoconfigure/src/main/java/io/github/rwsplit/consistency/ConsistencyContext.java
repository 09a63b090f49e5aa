package io.github.rwsplit.consistency;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.gtid.GtidSet;

/**
 * The current session's consistency token, per thread. Outside web requests the session is the
 * thread itself; the web filter opens a session per request from the token the client sent, and
 * is told when the token changes so that it can send it back.
 *
 * <p>This is also the programmatic API: a message producer puts {@link #currentToken()} in a
 * message header, and a consumer runs its work inside {@link #open(ConsistencyToken, TokenSink)}
 * (or calls {@link #useToken(String)}) to read what the producer wrote.
 */
public final class ConsistencyContext {

	private static final ThreadLocal<Session> CURRENT = ThreadLocal.withInitial(Session::new);

	/**
	 * A write recorded this recently is not recorded again at its transaction's commit, so that one
	 * request changes its token once per write. Pin mode allows for it with a margin.
	 */
	public static final long WRITE_COALESCING_MILLIS = 50;

	private ConsistencyContext() {
	}

	/** Told when the current session's token changes, so it can be persisted or sent. */
	@FunctionalInterface
	public interface TokenSink {

		/** Does nothing: the thread keeps the token. */
		TokenSink NONE = (token) -> {
		};

		/**
		 * The token changed.
		 * @param token the new token
		 */
		void tokenChanged(ConsistencyToken token);

	}

	static final class Session {

		ConsistencyToken token = ConsistencyToken.EMPTY;

		TokenSink sink = TokenSink.NONE;

		/** A session of its own that starts where this one is now, telling nobody of changes. */
		Session copyWithoutSink() {
			Session copy = new Session();
			copy.token = this.token;
			return copy;
		}

	}

	/** @return the current session's token; {@link ConsistencyToken#EMPTY} when it wrote nothing */
	public static ConsistencyToken currentToken() {
		return CURRENT.get().token;
	}

	/**
	 * The current session's token in text form, for a message header or similar; signed when
	 * signing keys are configured ({@link ConsistencyTokenCodec#installed()}).
	 * @return the text form
	 */
	public static String currentTokenText() {
		return ConsistencyTokenCodec.installed().encode(CURRENT.get().token);
	}

	/**
	 * Adds a token received from elsewhere (a message header, another service) to the current
	 * session, so that its reads see those writes too. Malformed text is ignored, and so is text
	 * not signed by a configured key ({@link ConsistencyTokenCodec#installed()}).
	 * @param text the token's text form
	 * @return whether the text was a valid token
	 */
	public static boolean useToken(String text) {
		ConsistencyToken token = ConsistencyTokenCodec.installed().decode(text, System.currentTimeMillis());
		if (token == null) {
			return false;
		}
		update(CURRENT.get().token.merge(token));
		return true;
	}

	/**
	 * Opens a session with a token and a sink, for the length of a request or a message; closing
	 * it restores the thread's previous session.
	 * @param token the token the session starts with
	 * @param sink told when the token changes
	 * @return the scope to close
	 */
	public static Scope open(@Nullable ConsistencyToken token, @Nullable TokenSink sink) {
		Session previous = CURRENT.get();
		Session session = new Session();
		session.token = (token != null) ? token : ConsistencyToken.EMPTY;
		session.sink = (sink != null) ? sink : TokenSink.NONE;
		CURRENT.set(session);
		return () -> CURRENT.set(previous);
	}

	/**
	 * The current session, for {@link ConsistencyContextAccessor}: {@code null} when it has no
	 * token and no sink (nothing to propagate, or nothing to restore but a clear thread).
	 */
	static Session currentSessionOrNull() {
		Session session = CURRENT.get();
		return (session.token.equals(ConsistencyToken.EMPTY) && session.sink == TokenSink.NONE) ? null : session;
	}

	/** Makes a session current as it is, for {@link ConsistencyContextAccessor} to restore one. */
	static void setSession(Session session) {
		CURRENT.set(session);
	}

	/** Forgets the current thread's token, for a pooled thread starting unrelated work. */
	public static void clear() {
		CURRENT.remove();
	}

	/** A session opened by {@link #open}; closing it restores the previous one. */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

	static void recordCommit(GtidSet gtid) {
		Session session = CURRENT.get();
		update(session.token.afterCommit(gtid, System.currentTimeMillis()));
	}

	/**
	 * The current session's reads now stay on a replica (sticky replicas). Called by the router
	 * when a session is first given a replica, or moves to another.
	 * @param replica the replica's node name
	 */
	public static void stickTo(String replica) {
		Session session = CURRENT.get();
		update(session.token.withReplica(replica));
	}

	/**
	 * The current session (sticky replicas) read from the primary because no replica was far
	 * enough along: it may move to a replica only once one has caught up with now.
	 */
	public static void readFromPrimary() {
		Session session = CURRENT.get();
		update(session.token.afterPrimaryRead(System.currentTimeMillis()));
	}

	/** A write whose GTID is not known (pin mode): remembers its time. */
	public static void recordWrite() {
		Session session = CURRENT.get();
		update(session.token.afterWrite(System.currentTimeMillis()));
	}

	private static void update(ConsistencyToken token) {
		Session session = CURRENT.get();
		if (!token.equals(session.token)) {
			session.token = token;
			try {
				session.sink.tokenChanged(token);
			}
			catch (RuntimeException ex) {
				// Called from inside a commit the database has made: a sink that fails must not fail it.
				// The session keeps the token; only its delivery to the client is lost.
			}
		}
	}

	/**
	 * Wraps work for another thread ({@code @Async}, an executor) so that it runs in the current
	 * session: it sees the session's writes, and its own writes reach the session.
	 * @param work the work
	 * @return the wrapped work
	 */
	public static Runnable wrap(Runnable work) {
		Session session = CURRENT.get();
		return () -> {
			Session previous = CURRENT.get();
			CURRENT.set(session);
			try {
				work.run();
			}
			finally {
				CURRENT.set(previous);
			}
		};
	}

}
