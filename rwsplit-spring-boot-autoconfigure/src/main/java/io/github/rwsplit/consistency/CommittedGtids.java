package io.github.rwsplit.consistency;

import io.github.rwsplit.gtid.GtidSet;

/**
 * What the current thread has committed on the primary, as the capture interceptor saw it: how
 * many commits and the GTID of the latest. Kept whatever the consistency mode, for write barriers,
 * which wait for the commits made between two points on one thread. A plain thread-local holding
 * two fields; bounded whatever the thread does.
 */
public final class CommittedGtids {

	private static final ThreadLocal<Commits> CURRENT = ThreadLocal.withInitial(Commits::new);

	private CommittedGtids() {
	}

	private static final class Commits {

		long count;

		GtidSet latest = GtidSet.EMPTY;

	}

	/** @return how many commits this thread has made whose GTID was captured */
	public static long count() {
		return CURRENT.get().count;
	}

	/** @return the GTID of this thread's latest captured commit, or an empty set */
	public static GtidSet latest() {
		return CURRENT.get().latest;
	}

	static void record(GtidSet gtid) {
		Commits commits = CURRENT.get();
		commits.count++;
		commits.latest = gtid;
	}

}
