package io.github.rwsplit.gtid;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many of rwsplit's own waits ({@link GtidStatements#awaitApplied}) may run on each node at
 * once. Each wait holds a connection of the node's pool for as long as it waits; without a cap, a
 * burst of write barriers against a replica that fell behind would take its whole pool and starve
 * the reads the pool exists for.
 *
 * <p>Taking a permit never blocks and never queues: {@link #tryAcquire} says no at once, and the
 * caller treats the node as not asked. Lock-free: one counter per node, created on first use.
 * Not responsible for the waits themselves, nor for choosing which node to ask.
 */
public final class WaitPermits {

	/** Half of HikariCP's default pool of 10, for nodes nobody gave a cap. */
	public static final int DEFAULT_MAX_PER_NODE = 5;

	private final Map<String, Integer> maxPerNode;

	private final int otherwise;

	private final Map<String, AtomicInteger> inUse = new ConcurrentHashMap<>();

	private final LongAdder refused = new LongAdder();

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
		AtomicInteger used = counter(node);
		int max = max(node);
		for (;;) {
			int now = used.get();
			if (now >= max) {
				this.refused.increment();
				return false;
			}
			if (used.compareAndSet(now, now + 1)) {
				return true;
			}
		}
	}

	/**
	 * Gives back a permit taken with {@link #tryAcquire}.
	 * @param node the node's name
	 * @throws IllegalStateException when no permit on the node is held
	 */
	public void release(String node) {
		AtomicInteger used = counter(node);
		if (used.getAndDecrement() <= 0) {
			used.incrementAndGet();
			throw new IllegalStateException("no wait permit on " + node + " is held");
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

	/** @return how many waits were refused a permit so far, on any node */
	public long refused() {
		return this.refused.sum();
	}

	private AtomicInteger counter(String node) {
		AtomicInteger used = this.inUse.get(node);
		return (used != null) ? used : this.inUse.computeIfAbsent(node, (name) -> new AtomicInteger());
	}

}
