package io.github.rwsplit.routing;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.gtid.GtidSet;

/**
 * What reads learned a replica has executed since the lag monitor last measured it: a
 * read-your-writes wait that succeeds reads the replica's whole executed set in the same round
 * trip and publishes it here at once, so that other sessions' reads whose requirements it covers
 * skip their wait instead of waiting for the monitor's next snapshot.
 *
 * <p>The monitor keeps it honest ({@link #observe}): every time it publishes, a replica out of
 * rotation, of unknown executed set, or whose measured set shrank (rebuilt, reset) forgets what
 * was learned, and a wait that began before that can no longer publish (an epoch). Without a
 * monitor nothing is learned: nothing could tell a rebuilt replica. Every set published is one
 * the server reported or a wait proved, so it is never more than the replica had.
 *
 * <p>One instance per replica node of the router, shared by the copies in each snapshot.
 * Lock-free: one volatile read to check, a compare-and-set to learn or observe.
 */
final class KnownExecuted {

	/**
	 * @param learned what waits proved since the last measurement that did not cover it
	 * @param measured the monitor's last measurement, or {@code null} before the first
	 * @param epoch changes whenever learned knowledge is withdrawn
	 */
	private record State(GtidSet learned, @Nullable GtidSet measured, long epoch) {
	}

	private static final State UNOBSERVED = new State(GtidSet.EMPTY, null, -1);

	private final AtomicReference<State> state = new AtomicReference<>(UNOBSERVED);

	/**
	 * @param gtids a set
	 * @return whether a wait proved, since the monitor last measured, that the replica has all of it
	 */
	boolean contains(GtidSet gtids) {
		return this.state.get().learned().contains(gtids);
	}

	/**
	 * @return the epoch to hand back to {@link #learn}: taken before the wait's statement is sent
	 */
	long epoch() {
		return this.state.get().epoch();
	}

	/**
	 * Publishes what a wait found, unless knowledge was withdrawn since it began, or no monitor
	 * has measured the replica in rotation yet.
	 * @param executed a set the replica reported or proved executed
	 * @param epoch what {@link #epoch()} returned before the wait
	 */
	void learn(GtidSet executed, long epoch) {
		while (true) {
			State current = this.state.get();
			if (current.epoch() != epoch || current.measured() == null || current.learned().contains(executed)
					|| current.measured().contains(executed)) {
				return;
			}
			GtidSet learned = executed.contains(current.learned()) ? executed : current.learned().union(executed);
			if (this.state.compareAndSet(current, new State(learned, current.measured(), epoch))) {
				return;
			}
		}
	}

	/**
	 * What the monitor measured as it publishes a snapshot.
	 * @param measured the replica's executed set as measured, or {@code null} when unknown
	 * @param inRotation whether it serves reads
	 */
	void observe(@Nullable GtidSet measured, boolean inRotation) {
		while (true) {
			State current = this.state.get();
			State next;
			if (!inRotation || measured == null
					|| (current.measured() != null && !measured.contains(current.measured()))) {
				// Nothing learned survives what could have reset the replica; waits under way
				// cannot publish either.
				next = new State(GtidSet.EMPTY, (inRotation) ? measured : null, current.epoch() + 1);
			}
			else if (measured.contains(current.learned())) {
				// The measurement covers it: nothing to keep, and checks stay cheap.
				next = new State(GtidSet.EMPTY, measured, Math.max(0, current.epoch()));
			}
			else {
				next = new State(current.learned(), measured, Math.max(0, current.epoch()));
			}
			if (this.state.compareAndSet(current, next)) {
				return;
			}
		}
	}

	/** @return what is known beyond the last measurement, for diagnostics and tests */
	GtidSet learned() {
		return this.state.get().learned();
	}

}
