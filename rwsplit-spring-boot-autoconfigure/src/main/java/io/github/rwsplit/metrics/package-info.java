/**
 * Micrometer metrics for rwsplit: routes, fallbacks, diagnostics, replica lag and state,
 * read-your-writes waits, and HikariCP's own metrics for every node pool. Every meter reads
 * counts or snapshots rwsplit already keeps; scraping never runs SQL.
 */
@NullMarked
package io.github.rwsplit.metrics;

import org.jspecify.annotations.NullMarked;
