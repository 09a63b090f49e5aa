package io.github.rwsplit.consistency;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.gtid.GtidSet;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistencyTrackerTests {

	private static final String G = "aaaaaaaa-71ca-11e1-9e33-c80aa9429562";

	@Test
	void theNewestCommitsNameOnlyTransactionsThatExist() {
		ConsistencyTracker tracker = new ConsistencyTracker();
		tracker.recordCommit(GtidSet.parse(G + ":5"));
		tracker.recordCommit(GtidSet.parse(G + ":1000004"));
		GtidSet replica = GtidSet.parse(G + ":1-5:1000004");
		assertThat(replica.contains(tracker.newest())).isTrue();
		assertThat(tracker.newest().contains(GtidSet.parse(G + ":1000004"))).isTrue();
	}

	@Test
	void theNewestCommitsStayBoundedAndKeepTheLatest() {
		ConsistencyTracker tracker = new ConsistencyTracker();
		for (int i = 0; i < 10_000; i++) {
			tracker.recordCommit(GtidSet.parse(G + ":" + (1_000_001 + 3 * i)));
		}
		// An election to a member numbering from a lower block.
		tracker.recordCommit(GtidSet.parse(G + ":6"));
		assertThat(tracker.newest().contains(GtidSet.parse(G + ":6"))).isTrue();
		assertThat(tracker.newest().toString().length()).isLessThan(200);
	}

}
