package io.github.rwsplit.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Slow start, as a decorator around any {@link ReplicaSelector}: a replica ramping up after
 * entering rotation keeps the balancer's choice with probability (time in rotation / window);
 * otherwise the read goes to one of the replicas that are not ramping, at random. Deflecting at
 * random rather than asking the balancer again keeps stateful balancers (round-robin) from being
 * skewed: the ramping replica gets exactly that fraction of what its policy would give it. Never
 * refuses: with no other replica the ramping one serves. No allocation.
 */
final class SlowStartSelector {

	private final ReplicaSelector delegate;

	private final long windowNanos;

	SlowStartSelector(ReplicaSelector delegate, long windowNanos) {
		this.delegate = delegate;
		this.windowNanos = windowNanos;
	}

	/** @return the ramp, 0 for none */
	long windowNanos() {
		return this.windowNanos;
	}

	/**
	 * @param windowNanos another ramp
	 * @return the same balancer with that ramp
	 */
	SlowStartSelector withWindow(long windowNanos) {
		return new SlowStartSelector(this.delegate, windowNanos);
	}

	/**
	 * @param candidates replicas that qualify; not empty
	 * @return the replica to read from
	 */
	ReplicaNode select(List<ReplicaNode> candidates) {
		return ramp(candidates, balancerChoice(candidates));
	}

	/**
	 * @param candidates replicas that qualify; not empty
	 * @return what the balancer alone would choose
	 */
	ReplicaNode balancerChoice(List<ReplicaNode> candidates) {
		return (candidates.size() == 1) ? candidates.get(0) : this.delegate.select(candidates);
	}

	/**
	 * Slow start applied to the balancer's choice. A result other than {@code chosen} means the
	 * read was deflected from a ramping replica.
	 * @param candidates replicas that qualify; not empty
	 * @param chosen the balancer's choice
	 * @return the replica to read from
	 */
	ReplicaNode ramp(List<ReplicaNode> candidates, ReplicaNode chosen) {
		if (chosen.slowStartSinceNanos() == 0) {
			return chosen;
		}
		long window = this.windowNanos;
		long now = System.nanoTime();
		long elapsed = now - chosen.slowStartSinceNanos();
		ThreadLocalRandom random = ThreadLocalRandom.current();
		if (window <= 0 || elapsed >= window || candidates.size() == 1 || random.nextLong(window) < elapsed) {
			return chosen;
		}
		int size = candidates.size();
		int others = 0;
		for (int i = 0; i < size; i++) {
			if (fullyInRotation(candidates.get(i), chosen, now, window)) {
				others++;
			}
		}
		if (others == 0) {
			return chosen;
		}
		int pick = random.nextInt(others);
		for (int i = 0; i < size; i++) {
			ReplicaNode candidate = candidates.get(i);
			if (fullyInRotation(candidate, chosen, now, window) && pick-- == 0) {
				return candidate;
			}
		}
		return chosen;
	}

	private static boolean fullyInRotation(ReplicaNode candidate, ReplicaNode chosen, long now, long window) {
		return candidate != chosen
				&& (candidate.slowStartSinceNanos() == 0 || now - candidate.slowStartSinceNanos() >= window);
	}

	/**
	 * The share of reads a replica gets now relative to its full share.
	 * @param replica a replica in rotation
	 * @param windowNanos the slow-start window
	 * @return between 0 and 1; 1 when it is not ramping
	 */
	static double share(ReplicaNode replica, long windowNanos) {
		if (replica.slowStartSinceNanos() == 0 || windowNanos <= 0) {
			return 1.0;
		}
		return Math.min(1.0, (double) (System.nanoTime() - replica.slowStartSinceNanos()) / windowNanos);
	}

}
