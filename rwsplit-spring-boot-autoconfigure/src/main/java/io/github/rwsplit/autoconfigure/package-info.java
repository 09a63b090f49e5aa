/**
 * Spring Boot auto-configuration for rwsplit: binds {@code rwsplit.*}, builds one HikariCP pool
 * per node, exposes the routing {@code DataSource} and the annotation advice, and validates the
 * configuration at start-up with failure analysis that names the offending property.
 */
@NullMarked
package io.github.rwsplit.autoconfigure;

import org.jspecify.annotations.NullMarked;
