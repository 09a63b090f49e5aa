package io.github.rwsplit.monitor;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Recent positions of the primary (heartbeat sequence numbers or GTID sets), each with the
 * monitor's monotonic clock reading when it was recorded. A replica's lag is the age of the
 * oldest recorded position it has not reached — measured on this JVM's clock alone, so clock
 * differences between servers cannot matter. Lag is accurate to the recording interval: it never
 * overstates, and understates by at most one interval.
 *
 * <p>One writer (the primary task) appends; replica tasks read immutable snapshots.
 *
 * @param <P> the kind of position
 */
final class PositionMarks<P> {

	private record Mark<P>(P position, long nanos) {
	}

	private final int capacity;

	private volatile Mark<P>[] marks;

	@SuppressWarnings("unchecked")
	PositionMarks(int capacity) {
		this.capacity = capacity;
		this.marks = new Mark[0];
	}

	/** Records the primary's position now. */
	void record(P position, long nanos) {
		Mark<P>[] current = this.marks;
		Mark<P>[] next = Arrays.copyOfRange(current, Math.max(0, current.length + 1 - this.capacity), current.length + 1);
		next[next.length - 1] = new Mark<>(position, nanos);
		this.marks = next;
	}

	/** @return whether any position has been recorded */
	boolean isEmpty() {
		return this.marks.length == 0;
	}

	/**
	 * The lag of a replica: now minus the time of the oldest mark it has not reached, or zero
	 * when it has reached the newest. Positions only grow, so the scan stops at the newest reached.
	 * A replica that has not reached even the oldest mark is at least that far behind, and
	 * possibly much further: that is returned as {@code -(age + 1)} (so always negative), for the
	 * caller to treat as a lower bound.
	 * @param reached whether the replica has reached a position
	 * @param now the monotonic clock now
	 * @return the lag in nanoseconds; {@link Long#MIN_VALUE} when nothing has been recorded yet;
	 * {@code -(lowerBound + 1)} when the replica is behind every recorded position
	 */
	long lagNanos(Predicate<P> reached, long now) {
		Mark<P>[] current = this.marks;
		if (current.length == 0) {
			return Long.MIN_VALUE;
		}
		int oldestMissing = -1;
		for (int i = current.length - 1; i >= 0; i--) {
			if (reached.test(current[i].position())) {
				break;
			}
			oldestMissing = i;
		}
		if (oldestMissing < 0) {
			return 0;
		}
		long age = Math.max(0, now - current[oldestMissing].nanos());
		return (oldestMissing == 0) ? -(age + 1) : age;
	}

	/**
	 * Turns {@link #lagNanos} into a check result: a lower bound counts only when it already
	 * exceeds {@code maxLag}; below that, the lag is unknown (the replica may be hours behind).
	 */
	static CheckResult result(long lag, long maxLagNanos, io.github.rwsplit.gtid.GtidSet gtidExecuted) {
		if (lag == Long.MIN_VALUE) {
			return CheckResult.primaryPositionUnknown(gtidExecuted);
		}
		if (lag < 0) {
			long atLeast = -lag - 1;
			return (atLeast > maxLagNanos) ? new CheckResult(true, false, atLeast, "", gtidExecuted)
					: new CheckResult(true, false, -1,
							"behind every position recorded so far (the oldest is "
									+ ReplicaStateMachine.seconds(atLeast) + " old)",
							gtidExecuted);
		}
		return CheckResult.lag(lag, gtidExecuted);
	}

}
