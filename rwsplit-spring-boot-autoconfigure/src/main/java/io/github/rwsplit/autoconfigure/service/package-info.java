/**
 * Service connections for rwsplit: {@link io.github.rwsplit.autoconfigure.RwsplitConnectionDetails}
 * made by Spring Boot's service-connection machinery from Testcontainers' MySQL containers
 * ({@code @ServiceConnection(name = "rwsplit-primary")} and {@code "rwsplit-replica"}) and from
 * Docker Compose services labelled the same way. Everything here is package-private and loaded
 * through {@code META-INF/spring.factories}; each factory is skipped when its optional dependency
 * ({@code spring-boot-testcontainers} with {@code testcontainers-mysql}, or
 * {@code spring-boot-docker-compose}) is absent.
 */
@NullMarked
package io.github.rwsplit.autoconfigure.service;

import org.jspecify.annotations.NullMarked;
