/**
 * Read-your-writes: the consistency token a session carries (the GTIDs of its commits, or the
 * time of its last write), how commits are captured from MySQL's OK packets, and the programmatic
 * API to read and set the token. The routing decision that honours the token lives in the router;
 * how the token travels between requests (cookie, header, HTTP session, a key) lives in the web
 * integration; to other threads, {@link io.github.rwsplit.consistency.ConsistencyContextAccessor}
 * for Micrometer's context propagation (loaded only when rwsplit registers it).
 */
@NullMarked
package io.github.rwsplit.consistency;

import org.jspecify.annotations.NullMarked;
