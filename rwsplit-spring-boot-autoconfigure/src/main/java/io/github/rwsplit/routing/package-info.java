/**
 * The routing core: which node a connection comes from. The router, the thread's routing
 * context, the transaction listener that fixes each transaction's route when it begins, and the
 * immutable topology snapshot the router reads. Nothing here depends on Spring Boot.
 */
@NullMarked
package io.github.rwsplit.routing;

import org.jspecify.annotations.NullMarked;
