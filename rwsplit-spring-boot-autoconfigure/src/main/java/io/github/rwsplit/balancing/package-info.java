/**
 * Replica selection strategies: round-robin, random, weighted, least-connections, least-lag and fastest-response. Each is a
 * {@link io.github.rwsplit.routing.ReplicaSelector}; all are lock-free and allocate nothing per
 * choice.
 */
@NullMarked
package io.github.rwsplit.balancing;

import org.jspecify.annotations.NullMarked;
