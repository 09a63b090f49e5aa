package io.github.rwsplit.gtid;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds rwsplit's own concurrent waits per replica, without queueing: a wait that finds no
 * permit does not happen, and the caller takes its fallback.
 */
public final class WaitPermits {

	private final int maxPerNode;

	private final ConcurrentHashMap<String, AtomicInteger> inUse = new ConcurrentHashMap<>();

	/**
	 * @param maxPerNode the most waits at once on one node, at least 1
	 */
	public WaitPermits(int maxPerNode) {
		if (maxPerNode < 1) {
			throw new IllegalArgumentException("maxPerNode must be at least 1, was " + maxPerNode);
		}
		this.maxPerNode = maxPerNode;
	}

	/**
	 * @param node a node's name
	 * @return whether a permit was taken; release it with {@link #release(String)}
	 */
	public boolean tryAcquire(String node) {
		AtomicInteger count = this.inUse.computeIfAbsent(node, (key) -> new AtomicInteger());
		if (count.incrementAndGet() > this.maxPerNode) {
			count.decrementAndGet();
			return false;
		}
		return true;
	}

	/** @param node a node whose permit was taken */
	public void release(String node) {
		AtomicInteger count = this.inUse.get(node);
		if (count != null) {
			count.decrementAndGet();
		}
	}

}
