/**
 * Carries the read-your-writes token between web requests: a servlet filter that opens a
 * consistency session per request from what the client sent (a header or cookie), the HTTP
 * session, or a server-side store keyed by something the application names (a user id), and
 * sends back the token, once per response, when the request's writes change it.
 */
@NullMarked
package io.github.rwsplit.web;

import org.jspecify.annotations.NullMarked;
