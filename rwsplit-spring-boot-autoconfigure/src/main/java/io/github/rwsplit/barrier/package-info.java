/**
 * Write barriers: a write waits until a number of replicas have applied it, through
 * {@code @Primary(awaitReplicas = ...)} or {@link io.github.rwsplit.barrier.WriteBarrier} directly,
 * with a bounded wait and a policy for when the bound passes.
 */
@NullMarked
package io.github.rwsplit.barrier;

import org.jspecify.annotations.NullMarked;
