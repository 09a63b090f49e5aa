package io.github.rwsplit.web;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.ResponseCookie;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyToken;

/**
 * Opens a consistency session for each web request and keeps its token between requests:
 * <ul>
 * <li>with the client (default): read from the request header, else the cookie; when the
 * request's writes change it, sent back at once in the response header and a cookie
 * ({@code HttpOnly}, {@code SameSite=Lax}, {@code Secure} on HTTPS). A browser that writes through
 * one application instance and reads through another carries its token along;</li>
 * <li>in the HTTP session;</li>
 * <li>on the server, by the key a {@link ConsistencySessionKeyResolver} names, in a bounded store.</li>
 * </ul>
 * The token is untrusted input: anything malformed or oversized is ignored, and the request goes
 * on as if it had none.
 */
public class ConsistencyTokenFilter extends OncePerRequestFilter {

	static final String SESSION_ATTRIBUTE = ConsistencyTokenFilter.class.getName() + ".token";

	/** How long a token is worth keeping at least: replicas in rotation have applied anything older. */
	static final Duration MIN_TOKEN_LIFETIME = Duration.ofMinutes(1);

	private final String header;

	private final String cookie;

	private final boolean httpSession;

	private final ConsistencySessionKeyResolver keyResolver;

	private final BoundedTokenStore store;

	private final Duration lifetime;

	/**
	 * Creates the filter.
	 * @param header the header carrying the token, or {@code null}/empty for none
	 * @param cookie the cookie carrying the token, or {@code null}/empty for none
	 * @param httpSession whether to keep the token in the HTTP session instead of with the client
	 * @param keyResolver names server-side sessions, or {@code null}
	 * @param maxSessions most server-side sessions kept, with a key resolver
	 * @param pinDuration the pin duration: tokens live at least twice as long, and at least a minute
	 */
	public ConsistencyTokenFilter(String header, String cookie, boolean httpSession,
			ConsistencySessionKeyResolver keyResolver, int maxSessions, Duration pinDuration) {
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
		ConsistencyToken token = read(request, key);
		try (ConsistencyContext.Scope scope = ConsistencyContext.open(token,
				(changed) -> write(request, response, key, changed))) {
			chain.doFilter(request, response);
		}
	}

	private ConsistencyToken read(HttpServletRequest request, String key) {
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
			token = merge(token, ConsistencyToken.decode(request.getHeader(this.header), now));
		}
		if (this.cookie != null && request.getCookies() != null) {
			for (Cookie candidate : request.getCookies()) {
				if (this.cookie.equals(candidate.getName())) {
					token = merge(token, ConsistencyToken.decode(candidate.getValue(), now));
				}
			}
		}
		return token;
	}

	private static ConsistencyToken merge(ConsistencyToken token, ConsistencyToken more) {
		return (more != null) ? token.merge(more) : token;
	}

	private void write(HttpServletRequest request, HttpServletResponse response, String key, ConsistencyToken token) {
		if (this.store != null) {
			if (key != null) {
				this.store.put(key, token);
			}
			return;
		}
		String text = token.encode();
		if (this.httpSession) {
			// Merged with what concurrent requests of the session stored meanwhile.
			HttpSession session = request.getSession(true);
			Object stored = session.getAttribute(SESSION_ATTRIBUTE);
			ConsistencyToken current = (stored instanceof String value)
					? ConsistencyToken.decode(value, System.currentTimeMillis()) : null;
			session.setAttribute(SESSION_ATTRIBUTE, merge(token, current).encode());
			return;
		}
		if (response.isCommitted()) {
			return;
		}
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
