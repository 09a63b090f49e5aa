/**
 * The replica lag monitor: checks every replica on its own schedule and connection, measures
 * lag against positions recorded on the primary, keeps each replica's state with hysteresis, and
 * publishes immutable routing snapshots to the router. Nothing here runs on the connection hot
 * path, and nothing here depends on Spring Boot.
 */
@NullMarked
package io.github.rwsplit.monitor;

import org.jspecify.annotations.NullMarked;
