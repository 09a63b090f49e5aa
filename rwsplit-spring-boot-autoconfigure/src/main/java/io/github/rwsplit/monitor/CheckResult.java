package io.github.rwsplit.monitor;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.gtid.GtidSet;

/**
 * What one check of a replica found.
 *
 * @param reachable whether the replica answered
 * @param broken whether its replication reports an error
 * @param lagNanos how far behind it is, or -1 when that cannot be told
 * @param detail why it is unreachable, broken, misconfigured or of unknown lag; empty otherwise
 * @param gtidExecuted the replica's executed GTID set, when the check read it
 * @param misconfigured whether it was unreachable because of its own settings (see {@link Misconfiguration})
 * @param primaryUnseen whether its lag is unknown only because no position of the primary has been
 * recorded yet
 */
public record CheckResult(boolean reachable, boolean broken, long lagNanos, String detail, @Nullable GtidSet gtidExecuted,
		boolean misconfigured, boolean primaryUnseen) {

	/**
	 * A result that is neither misconfigured nor waiting for the primary.
	 * @param reachable whether the replica answered
	 * @param broken whether its replication reports an error
	 * @param lagNanos how far behind it is, or -1 when that cannot be told
	 * @param detail why it is unreachable, broken or of unknown lag; empty otherwise
	 * @param gtidExecuted the replica's executed GTID set, when the check read it
	 */
	public CheckResult(boolean reachable, boolean broken, long lagNanos, String detail, @Nullable GtidSet gtidExecuted) {
		this(reachable, broken, lagNanos, detail, gtidExecuted, false, false);
	}

	static CheckResult lag(long lagNanos, @Nullable GtidSet gtidExecuted) {
		return new CheckResult(true, false, lagNanos, "", gtidExecuted);
	}

	static CheckResult unknownLag(String why) {
		return new CheckResult(true, false, -1, why, null);
	}

	static CheckResult unreachable(String why) {
		return new CheckResult(false, false, -1, why, null);
	}

	static CheckResult broken(String why) {
		return new CheckResult(true, true, -1, why, null);
	}

	static CheckResult misconfigured(String why) {
		return new CheckResult(false, false, -1, why, null, true, false);
	}

	static CheckResult primaryPositionUnknown(GtidSet gtidExecuted) {
		return new CheckResult(true, false, -1, "the primary's position is not known yet", gtidExecuted, false, true);
	}

}
