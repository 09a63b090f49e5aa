/**
 * Actuator support: the {@code rwsplit} endpoint (the current primary and its moves; every node by
 * the role it has now, its state, lag, pool and routes; drain and undrain) and the health
 * contributors ({@code rwsplit}, and {@code db} for rwsplit's DataSource). Roles are read from the
 * monitor's snapshot, never assumed from the configuration: the primary may have moved. Output
 * never holds a password: URLs are shown with credentials removed.
 */
@NullMarked
package io.github.rwsplit.actuate;

import org.jspecify.annotations.NullMarked;
