/**
 * Micrometer Observations of rwsplit's own waits (read-your-writes, write barriers, fallback
 * waits), so that they show up in traces and, with a meter handler, as the {@code rwsplit.wait}
 * timer. Loaded only when Micrometer's Observation API is on the classpath; the routing core
 * reports waits through {@link io.github.rwsplit.routing.WaitObserver} and knows nothing of
 * Micrometer.
 */
@NullMarked
package io.github.rwsplit.observation;

import org.jspecify.annotations.NullMarked;
