package io.github.rwsplit.web;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;

/**
 * Names the consistency session of a web request, such as the signed-in user's id: declaring a
 * bean of this type keeps tokens on the server, per key, instead of with the client. Reads then
 * see a user's writes from any device.
 */
@FunctionalInterface
public interface ConsistencySessionKeyResolver {

	/**
	 * @param request the request
	 * @return its session key, or {@code null} when the request has none (it then gets no token)
	 */
	@Nullable String sessionKey(HttpServletRequest request);

}
