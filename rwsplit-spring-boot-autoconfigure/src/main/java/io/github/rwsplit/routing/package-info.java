/**
 * The routing core: which node a connection comes from. The router, the thread's routing
 * context, the transaction listener that fixes each transaction's route when it begins, and the
 * immutable topology snapshot the router reads. Nothing here depends on Spring Boot; the
 * context-propagation accessor ({@link io.github.rwsplit.routing.RoutingScopeAccessor}) needs
 * Micrometer's library and is loaded only when rwsplit registers it.
 */
@NullMarked
package io.github.rwsplit.routing;

import org.jspecify.annotations.NullMarked;
