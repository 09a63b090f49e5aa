package io.github.rwsplit.web;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseCookie;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.consistency.ConsistencyTokenCodec;

/**
 * Opens a consistency session for each web request and keeps its token between requests:
 * <ul>
 * <li>with the client (default): read from the request header, else the cookie; when the
 * request's writes change it, sent back once per response, just before the response commits, in
 * the response header and a cookie ({@code HttpOnly}, {@code SameSite=Lax}, {@code Secure} on
 * HTTPS). A browser that writes through one application instance and reads through another
 * carries its token along;</li>
 * <li>in the HTTP session;</li>
 * <li>on the server, by the key a {@link ConsistencySessionKeyResolver} names, in a bounded store.</li>
 * </ul>
 * The server-side stores are written at each change, merged with what concurrent requests of the
 * same session stored, so that those see the write at once; only what goes to the client waits
 * for the response ({@link TokenWritingResponse} says why).
 *
 * <p>The token is untrusted input: anything malformed or oversized is ignored, and the request
 * goes on as if it had none. With signing keys, the {@link ConsistencyTokenCodec} also ignores
 * tokens this application did not sign. Tokens kept on the server are not signed: nobody else
 * can write them.
 */
public class ConsistencyTokenFilter extends OncePerRequestFilter {

	static final String SESSION_ATTRIBUTE = ConsistencyTokenFilter.class.getName() + ".token";

	/** How long a token is worth keeping at least: replicas in rotation have applied anything older. */
	static final Duration MIN_TOKEN_LIFETIME = Duration.ofMinutes(1);

	private final @Nullable String header;

	private final @Nullable String cookie;

	private final boolean httpSession;

	private final @Nullable ConsistencySessionKeyResolver keyResolver;

	private final BoundedTokenStore store;

	private final Duration lifetime;

	private final ConsistencyTokenCodec codec;

	/**
	 * Creates the filter with the process-wide codec, {@link ConsistencyTokenCodec#installed()},
	 * as it is at each request.
	 * @param header the header carrying the token, or {@code null}/empty for none
	 * @param cookie the cookie carrying the token, or {@code null}/empty for none
	 * @param httpSession whether to keep the token in the HTTP session instead of with the client
	 * @param keyResolver names server-side sessions, or {@code null}
	 * @param maxSessions most server-side sessions kept, with a key resolver
	 * @param pinDuration the pin duration: tokens live at least twice as long, and at least a minute
	 */
	public ConsistencyTokenFilter(@Nullable String header, @Nullable String cookie, boolean httpSession,
			@Nullable ConsistencySessionKeyResolver keyResolver, int maxSessions, Duration pinDuration) {
		this(header, cookie, httpSession, keyResolver, maxSessions, pinDuration, null);
	}

	/**
	 * Creates the filter.
	 * @param header the header carrying the token, or {@code null}/empty for none
	 * @param cookie the cookie carrying the token, or {@code null}/empty for none
	 * @param httpSession whether to keep the token in the HTTP session instead of with the client
	 * @param keyResolver names server-side sessions, or {@code null}
	 * @param maxSessions most server-side sessions kept, with a key resolver
	 * @param pinDuration the pin duration: tokens live at least twice as long, and at least a minute
	 * @param codec reads and writes the token's text with the client, or {@code null} for the
	 * process-wide one
	 */
	public ConsistencyTokenFilter(@Nullable String header, @Nullable String cookie, boolean httpSession,
			@Nullable ConsistencySessionKeyResolver keyResolver, int maxSessions, Duration pinDuration,
			@Nullable ConsistencyTokenCodec codec) {
		this.codec = codec;
		this.header = (header != null && !header.isBlank()) ? header : null;
		this.cookie = (cookie != null && !cookie.isBlank()) ? cookie : null;
		this.httpSession = httpSession;
		this.keyResolver = keyResolver;
		Duration twicePin = pinDuration.multipliedBy(2);
		this.lifetime = (twicePin.compareTo(MIN_TOKEN_LIFETIME) > 0) ? twicePin : MIN_TOKEN_LIFETIME;
		this.store = (keyResolver != null) ? new BoundedTokenStore(maxSessions, this.lifetime) : null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String key = (this.keyResolver != null) ? this.keyResolver.sessionKey(request) : null;
		ConsistencyTokenCodec codec = codec();
		ConsistencyToken token = read(request, key, codec);
		if (this.store != null || this.httpSession) {
			try (ConsistencyContext.Scope scope = ConsistencyContext.open(token,
					(changed) -> store(request, key, changed))) {
				chain.doFilter(request, response);
			}
			return;
		}
		TokenWritingResponse tokenResponse = new TokenWritingResponse(response,
				(target, changed) -> send(request, target, codec.encode(changed)));
		try (ConsistencyContext.Scope scope = ConsistencyContext.open(token, tokenResponse::tokenChanged)) {
			chain.doFilter(request, tokenResponse);
		}
		finally {
			// Nothing asked for the body or committed the response yet, or the token changed since.
			tokenResponse.writeToken();
		}
	}

	private ConsistencyTokenCodec codec() {
		return (this.codec != null) ? this.codec : ConsistencyTokenCodec.installed();
	}

	private ConsistencyToken read(HttpServletRequest request, String key, ConsistencyTokenCodec codec) {
		long now = System.currentTimeMillis();
		if (this.store != null) {
			return (key != null) ? this.store.get(key) : null;
		}
		if (this.httpSession) {
			HttpSession session = request.getSession(false);
			Object text = (session != null) ? session.getAttribute(SESSION_ATTRIBUTE) : null;
			return (text instanceof String value) ? ConsistencyToken.decode(value, now) : null;
		}
		// Header and cookie may both come, from different moments: the session must see both.
		ConsistencyToken token = ConsistencyToken.EMPTY;
		if (this.header != null) {
			token = merge(token, codec.decode(request.getHeader(this.header), now));
		}
		if (this.cookie != null && request.getCookies() != null) {
			for (Cookie candidate : request.getCookies()) {
				if (this.cookie.equals(candidate.getName())) {
					token = merge(token, codec.decode(candidate.getValue(), now));
				}
			}
		}
		return token;
	}

	private static ConsistencyToken merge(ConsistencyToken token, ConsistencyToken more) {
		return (more != null) ? token.merge(more) : token;
	}

	private void store(HttpServletRequest request, String key, ConsistencyToken token) {
		if (this.store != null) {
			if (key != null) {
				this.store.put(key, token);
			}
			return;
		}
		// Merged with what concurrent requests of the session stored meanwhile.
		HttpSession session = request.getSession(true);
		Object stored = session.getAttribute(SESSION_ATTRIBUTE);
		ConsistencyToken current = (stored instanceof String value)
				? ConsistencyToken.decode(value, System.currentTimeMillis()) : null;
		session.setAttribute(SESSION_ATTRIBUTE, merge(token, current).encode());
	}

	private void send(HttpServletRequest request, HttpServletResponse response, String text) {
		if (this.header != null) {
			response.setHeader(this.header, text);
		}
		if (this.cookie != null) {
			response.addHeader("Set-Cookie", ResponseCookie.from(this.cookie, text)
				.path("/")
				.httpOnly(true)
				.secure(request.isSecure())
				.sameSite("Lax")
				.maxAge(this.lifetime)
				.build()
				.toString());
		}
	}

	/** @return how many server-side sessions are kept now; for tests and diagnostics */
	int storedSessions() {
		return (this.store != null) ? this.store.size() : 0;
	}

}
