package io.github.rwsplit.gtid;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * How many of rwsplit's own waits ({@link GtidStatements#awaitApplied}) may run on each node at
 * once. Each wait holds a connection of the node's pool for as long as it waits; without a cap, a
 * burst of write barriers against a replica that fell behind would take its whole pool and starve
 * the reads the pool exists for.
 *
 * <p>{@link #tryAcquire} never blocks and never queues: it says no at once, and the caller treats
 * the node as not asked (write barriers; a read then tries another replica or its fallback).
 * Lock-free: one counter per node, created on first use. Only a read with nowhere else to go
 * queues for a permit, bounded ({@link #acquireAny}); while anyone queues, giving a
 * permit back also wakes the queue. Not responsible for the waits themselves, nor for choosing
 * which node to ask.
 */
public final class WaitPermits {

	/** Half of HikariCP's default pool of 10, for nodes nobody gave a cap. */
	public static final int DEFAULT_MAX_PER_NODE = 5;

	private final Map<String, Integer> maxPerNode;

	private final int otherwise;

	private final Map<String, AtomicInteger> inUse = new ConcurrentHashMap<>();

	private final LongAdder refused = new LongAdder();

	/** Callers in {@link #acquireAny}; read by {@link #release} to wake them only when there are any. */
	private final AtomicInteger queued = new AtomicInteger();

	// A lock and condition, not a monitor: virtual threads that queue do not pin their carrier.
	private final ReentrantLock queue = new ReentrantLock();

	private final Condition released = this.queue.newCondition();

	/**
	 * Permits with the same cap on every node.
	 * @param maxPerNode the most waits at once on any node, at least 1
	 */
	public WaitPermits(int maxPerNode) {
		this(Map.of(), maxPerNode);
	}

	/**
	 * Permits with a cap per named node.
	 * @param maxPerNode the most waits at once on each named node, each at least 1
	 * @param otherwise the cap on nodes not named, at least 1
	 */
	public WaitPermits(Map<String, Integer> maxPerNode, int otherwise) {
		Objects.requireNonNull(maxPerNode, "maxPerNode").forEach((node, max) -> requirePositive(node, max));
		this.maxPerNode = Map.copyOf(maxPerNode);
		this.otherwise = requirePositive("other nodes", otherwise);
		this.maxPerNode.keySet().forEach((node) -> this.inUse.put(node, new AtomicInteger()));
	}

	private static int requirePositive(String node, Integer max) {
		if (max == null || max < 1) {
			throw new IllegalArgumentException("the most waits at once on " + node + " must be at least 1, was " + max);
		}
		return max;
	}

	/**
	 * Takes a permit to wait on a node, if one is free.
	 * @param node the node's name
	 * @return whether the caller may wait on it; when {@code true}, it must {@link #release} it
	 */
	public boolean tryAcquire(String node) {
		if (take(node)) {
			return true;
		}
		this.refused.increment();
		return false;
	}

	/**
	 * Takes a permit to wait on any of some nodes, waiting up to a bound for one to be given back.
	 * For a read with nowhere else to go; never on the hot path.
	 * @param nodes the nodes' names, the first with a free permit is taken
	 * @param timeoutNanos the longest to wait for a permit
	 * @return the node whose permit the caller now holds and must {@link #release}; {@code null}
	 * when none came back in time, or the thread was interrupted (its interrupt status is then set
	 * again)
	 */
	public @Nullable String acquireAny(List<String> nodes, long timeoutNanos) {
		String taken = takeAny(nodes);
		if (taken != null || nodes.isEmpty() || timeoutNanos <= 0) {
			return taken;
		}
		long deadline = System.nanoTime() + timeoutNanos;
		this.queue.lock();
		// Counted before the permits are looked at again: a release that follows sees the queue and wakes it.
		this.queued.incrementAndGet();
		try {
			while ((taken = takeAny(nodes)) == null) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return null;
				}
				try {
					this.released.awaitNanos(left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return null;
				}
			}
			return taken;
		}
		finally {
			this.queued.decrementAndGet();
			this.queue.unlock();
		}
	}

	private @Nullable String takeAny(List<String> nodes) {
		for (String node : nodes) {
			if (take(node)) {
				return node;
			}
		}
		return null;
	}

	private boolean take(String node) {
		AtomicInteger used = counter(node);
		int max = max(node);
		for (;;) {
			int now = used.get();
			if (now >= max) {
				return false;
			}
			if (used.compareAndSet(now, now + 1)) {
				return true;
			}
		}
	}

	/**
	 * Gives back a permit taken with {@link #tryAcquire} or {@link #acquireAny}.
	 * @param node the node's name
	 * @throws IllegalStateException when no permit on the node is held
	 */
	public void release(String node) {
		AtomicInteger used = counter(node);
		if (used.getAndDecrement() <= 0) {
			used.incrementAndGet();
			throw new IllegalStateException("no wait permit on " + node + " is held");
		}
		if (this.queued.get() > 0) {
			this.queue.lock();
			try {
				// Any node's permit wakes every caller in the queue: few wait, and each looks at its own node.
				this.released.signalAll();
			}
			finally {
				this.queue.unlock();
			}
		}
	}

	/**
	 * @param node a node's name
	 * @return the most waits at once on it
	 */
	public int max(String node) {
		return this.maxPerNode.getOrDefault(node, this.otherwise);
	}

	/**
	 * @param node a node's name
	 * @return how many waits on it hold a permit now
	 */
	public int inUse(String node) {
		AtomicInteger used = this.inUse.get(node);
		return (used != null) ? used.get() : 0;
	}

	/** @return how many callers wait for a permit now, on any node */
	public int queued() {
		return this.queued.get();
	}

	/** @return how many waits were refused a permit so far, on any node */
	public long refused() {
		return this.refused.sum();
	}

	private AtomicInteger counter(String node) {
		AtomicInteger used = this.inUse.get(node);
		return (used != null) ? used : this.inUse.computeIfAbsent(node, (name) -> new AtomicInteger());
	}

}
