package io.github.rwsplit.balancing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;

/**
 * Prefers the replicas that answer fastest, by each one's moving average of statement response
 * times ({@link ReplicaNode#responseTime()}). The choice is random, weighted by the inverse square
 * of the average: a replica {@code k} times slower than another gets {@code 1/k²} as many reads
 * (twice as slow: a fifth of the pair's reads; ten times: one in a hundred). Weighting rather than
 * always taking the fastest keeps one replica from being hammered until it slows down, and keeps
 * every replica measured, so a slow one that recovers is noticed.
 *
 * <p>A replica with no recent sample (new, back in rotation, or idle for a whole window) counts
 * as fast as the fastest measured one, so it is tried at once; with no samples at all the choice
 * is uniform. Lock-free, no allocation, one clock read per choice.
 */
public class FastestResponseReplicaSelector implements ReplicaSelector {

	/** Averages below this count as this, so that the weights stay finite. */
	static final long FLOOR_NANOS = 1_000;

	@Override
	public ReplicaNode select(List<ReplicaNode> candidates) {
		int size = candidates.size();
		long now = System.nanoTime();
		long fastest = Long.MAX_VALUE;
		for (int i = 0; i < size; i++) {
			long average = candidates.get(i).responseTime().averageNanos(now);
			if (average >= 0 && average < fastest) {
				fastest = average;
			}
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		if (fastest == Long.MAX_VALUE) {
			return candidates.get(random.nextInt(size));
		}
		double total = 0;
		for (int i = 0; i < size; i++) {
			total += weight(candidates.get(i), now, fastest);
		}
		double point = random.nextDouble(total);
		for (int i = 0; i < size; i++) {
			ReplicaNode candidate = candidates.get(i);
			point -= weight(candidate, now, fastest);
			if (point < 0) {
				return candidate;
			}
		}
		return candidates.get(size - 1);
	}

	private static double weight(ReplicaNode candidate, long now, long fastest) {
		long average = candidate.responseTime().averageNanos(now);
		double relative = (double) Math.max(FLOOR_NANOS, (average >= 0) ? average : fastest)
				/ Math.max(FLOOR_NANOS, fastest);
		return 1.0 / (relative * relative);
	}

}
