/**
 * rwsplit: read/write splitting over MySQL replication for Spring Boot. The routing core lives
 * in sub-packages by role; auto-configuration wires it from {@code rwsplit.*} properties.
 */
@NullMarked
package io.github.rwsplit;

import org.jspecify.annotations.NullMarked;
