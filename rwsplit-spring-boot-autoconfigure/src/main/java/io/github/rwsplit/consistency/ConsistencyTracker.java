package io.github.rwsplit.consistency;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.gtid.GtidSet;

/**
 * Per router: the newest commit this application instance has made (for
 * {@link ConsistencyMode#GLOBAL}) and how reads that had something to see were served. Found by
 * the capture interceptor through the router's id, because Connector/J creates interceptors itself.
 */
public final class ConsistencyTracker {

	private static final Map<String, ConsistencyTracker> TRACKERS = new ConcurrentHashMap<>();

	private final AtomicReference<GtidSet> newest = new AtomicReference<>(GtidSet.EMPTY);

	private final AtomicReference<GtidSet> horizon = new AtomicReference<>(GtidSet.EMPTY);

	/** Reads served by a replica already known to have the session's writes. */
	public final LongAdder caughtUp = new LongAdder();

	/** Reads served by a replica after waiting for the session's writes. */
	public final LongAdder waited = new LongAdder();

	/** Reads that waited on a replica in vain and then went to the primary. */
	public final LongAdder waitTimedOut = new LongAdder();

	/** Reads sent to the primary because no replica could have the session's writes in time. */
	public final LongAdder primary = new LongAdder();

	/** Reads sent to the primary because the session wrote recently (pin mode). */
	public final LongAdder pinned = new LongAdder();

	/**
	 * Reads whose required GTIDs included transactions the primary has never executed (a forged
	 * or foreign token), proven against a primary position read after the read began; those
	 * transactions were ignored.
	 */
	public final LongAdder unexecutedIgnored = new LongAdder();

	/** Commits whose GTID was captured from the OK packet. */
	public final LongAdder commitsCaptured = new LongAdder();

	/**
	 * The tracker of a router, created on first use.
	 * @param routerId the router's id
	 * @return its tracker
	 */
	public static ConsistencyTracker of(String routerId) {
		return TRACKERS.computeIfAbsent(routerId, (id) -> new ConsistencyTracker());
	}

	/**
	 * Forgets a router's tracker, when its DataSource closes.
	 * @param routerId the router's id
	 */
	public static void remove(String routerId) {
		TRACKERS.remove(routerId);
	}

	static ConsistencyTracker find(String routerId) {
		return (routerId != null) ? TRACKERS.get(routerId) : null;
	}

	private volatile boolean recordsSessions = true;

	/**
	 * @param recordsSessions whether captured commits go into the committing session's token (off
	 * when read-your-writes is: the commits are then captured for write barriers only)
	 */
	public void setRecordsSessions(boolean recordsSessions) {
		this.recordsSessions = recordsSessions;
	}

	/** @return whether captured commits go into the committing session's token */
	public boolean recordsSessions() {
		return this.recordsSessions;
	}

	/**
	 * @return the newest commits this instance has made: the latest one always, and the
	 * highest-numbered others, bounded like a session's token
	 */
	public GtidSet newest() {
		return this.newest.get();
	}

	/**
	 * @return {@code 1-N} per source, N the highest transaction this instance has committed there:
	 * numbers it has seen handed out, so a token naming them is not doubted as forged. Not a
	 * requirement: under Group Replication it spans blocks that were never used.
	 */
	public GtidSet horizon() {
		return this.horizon.get();
	}

	/**
	 * A commit's GTID, as MySQL reported it in the OK packet: for rwsplit's Connector/J plug-in,
	 * which the driver creates by class name in another package; not for applications. Records
	 * it for the committing thread (write barriers), its session (unless read-your-writes is off)
	 * and the router's tracker.
	 * @param tracker the router's tracker, or {@code null} when the connection names none
	 * @param gtid the commit's GTID set
	 */
	public static void commitCaptured(@Nullable ConsistencyTracker tracker, GtidSet gtid) {
		CommittedGtids.record(gtid);
		if (tracker == null || tracker.recordsSessions()) {
			ConsistencyContext.recordCommit(gtid);
		}
		if (tracker != null) {
			tracker.recordCommit(gtid);
		}
	}

	void recordCommit(GtidSet gtid) {
		this.commitsCaptured.increment();
		this.newest.accumulateAndGet(gtid, (current, added) -> current.union(added)
			.bounded(ConsistencyToken.MAX_INTERVALS_PER_SOURCE, ConsistencyToken.MAX_SOURCES, added));
		this.horizon.accumulateAndGet(gtid, (current, added) -> current.union(added).horizon());
	}

}
