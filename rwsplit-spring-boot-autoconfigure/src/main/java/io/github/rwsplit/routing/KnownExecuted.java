package io.github.rwsplit.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.github.rwsplit.gtid.GtidSet;

/**
 * What reads learned a replica has executed since the monitor last measured it: a read-your-writes
 * wait that succeeds reads the replica's whole executed set in the same round trip, and publishes
 * it here at once, so that other sessions' reads whose requirements it covers skip their wait
 * instead of waiting for the monitor's next snapshot. Shared by the copies of one replica's node
 * while its measured set only grows; a measured set that shrank (a rebuilt replica) starts anew.
 *
 * <p>Lock-free: one volatile read to check, a compare-and-set loop to learn. Every set published
 * is one the server reported, or one it proved applied, so it is never more than the replica has.
 */
final class KnownExecuted {

	private static final VarHandle LEARNED;

	static {
		try {
			LEARNED = MethodHandles.lookup().findVarHandle(KnownExecuted.class, "learned", GtidSet.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	@SuppressWarnings("unused") // through LEARNED
	private volatile GtidSet learned = GtidSet.EMPTY;

	/**
	 * @param gtids a set, not empty
	 * @return whether a read learned that the replica has all of it
	 */
	boolean contains(GtidSet gtids) {
		return ((GtidSet) LEARNED.getVolatile(this)).contains(gtids);
	}

	/**
	 * @param executed a set the replica has executed
	 */
	void learn(GtidSet executed) {
		while (true) {
			GtidSet current = (GtidSet) LEARNED.getVolatile(this);
			if (current.contains(executed)) {
				return;
			}
			GtidSet next = executed.contains(current) ? executed : current.union(executed);
			if (LEARNED.compareAndSet(this, current, next)) {
				return;
			}
		}
	}

	/** @return what is known, for diagnostics and tests */
	GtidSet learned() {
		return (GtidSet) LEARNED.getVolatile(this);
	}

}
