/**
 * Actuator support: the {@code rwsplit} endpoint (every node, its state, lag, pool and routes;
 * drain and undrain) and the {@code rwsplit} health contributor. Output never holds a password:
 * URLs are shown with credentials removed.
 */
package io.github.rwsplit.actuate;
