/**
 * {@link io.github.rwsplit.annotation.ReadReplica @ReadReplica} and
 * {@link io.github.rwsplit.annotation.Primary @Primary}, and the AOP advice that turns them into
 * routing scopes. Applied through Spring proxies, so calls from inside the same object
 * (self-invocation) are not seen.
 */
@NullMarked
package io.github.rwsplit.annotation;

import org.jspecify.annotations.NullMarked;
