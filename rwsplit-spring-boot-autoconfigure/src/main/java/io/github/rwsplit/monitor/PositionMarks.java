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
	 * @param reached whether the replica has reached a position
	 * @param now the monotonic clock now
	 * @return the lag in nanoseconds, or -1 when nothing has been recorded yet
	 */
	long lagNanos(Predicate<P> reached, long now) {
		Mark<P>[] current = this.marks;
		if (current.length == 0) {
			return -1;
		}
		int oldestMissing = -1;
		for (int i = current.length - 1; i >= 0; i--) {
			if (reached.test(current[i].position())) {
				break;
			}
			oldestMissing = i;
		}
		return (oldestMissing < 0) ? 0 : Math.max(0, now - current[oldestMissing].nanos());
	}

}
