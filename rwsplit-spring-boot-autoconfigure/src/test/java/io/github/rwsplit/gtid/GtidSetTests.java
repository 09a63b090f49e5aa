package io.github.rwsplit.gtid;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GtidSetTests {

	private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final String B = "4e11fa47-71ca-11e1-9e33-c80aa9429562";

	@Test
	void parsesMySqlsMultiLineFormAndMergesIntervals() {
		GtidSet set = GtidSet.parse(A.toUpperCase() + ":1-5:6-8:11,\n" + B + ":3");
		assertThat(set).hasToString(A + ":1-8:11," + B + ":3");
		assertThat(set.size()).isEqualTo(10);
		assertThat(GtidSet.parse(" ")).isEqualTo(GtidSet.EMPTY);
	}

	@Test
	void containsChecksEveryTransaction() {
		GtidSet replica = GtidSet.parse(A + ":1-100," + B + ":1-5");
		assertThat(replica.contains(GtidSet.parse(A + ":7"))).isTrue();
		assertThat(replica.contains(GtidSet.parse(A + ":1-100"))).isTrue();
		assertThat(replica.contains(GtidSet.parse(A + ":100-101"))).isFalse();
		assertThat(replica.contains(GtidSet.parse(B + ":6"))).isFalse();
		assertThat(replica.contains(GtidSet.parse(A + ":1-3:50-60," + B + ":2"))).isTrue();
		assertThat(GtidSet.parse(A + ":1-3:5-9").contains(GtidSet.parse(A + ":3-5"))).isFalse();
		assertThat(replica.contains(GtidSet.EMPTY)).isTrue();
		assertThat(GtidSet.EMPTY.contains(replica)).isFalse();
	}

	@Test
	void taggedGtidsAreTheirOwnSource() {
		GtidSet set = GtidSet.parse(A + ":1-3:audit:1-2");
		assertThat(set.contains(GtidSet.parse(A + ":audit:2"))).isTrue();
		assertThat(set.contains(GtidSet.parse(A + ":4"))).isFalse();
		assertThat(set.contains(GtidSet.parse(A + ":audit:3"))).isFalse();
	}

	@Test
	void unionHoldsBoth() {
		GtidSet union = GtidSet.parse(A + ":1-3").union(GtidSet.parse(A + ":4-6," + B + ":1"));
		assertThat(union).hasToString(A + ":1-6," + B + ":1");
		assertThat(union.contains(GtidSet.parse(A + ":5," + B + ":1"))).isTrue();
	}

	@Test
	void unionOfInterleavedGappedSetsMergesTouchingIntervals() {
		GtidSet union = GtidSet.parse(A + ":1-3:10:20-25:1000004").union(GtidSet.parse(A + ":4-9:11:26:30"));
		assertThat(union).hasToString(A + ":1-11:20-26:30:1000004");
		assertThat(union).isEqualTo(GtidSet.parse(A + ":4-9:11:26:30").union(GtidSet.parse(A + ":1-3:10:20-25:1000004")));
	}

	@Test
	void boundedKeepsTheGivenTransactionsFirstThenTheHighestNumberedAndNeverWidens() {
		GtidSet set = GtidSet.parse(A + ":1-5:7:9:11:1000004:1000006");
		assertThat(set.bounded(8, 4, GtidSet.EMPTY)).isSameAs(set);
		assertThat(set.bounded(3, 4, GtidSet.EMPTY)).hasToString(A + ":11:1000004:1000006");
		// A commit numbered from a lower block after the higher one (a Group Replication election): kept.
		assertThat(set.bounded(3, 4, GtidSet.parse(A + ":7"))).hasToString(A + ":7:1000004:1000006");
		assertThat(set.bounded(1, 4, GtidSet.parse(A + ":3"))).hasToString(A + ":1-5");
		assertThat(set.contains(set.bounded(2, 1, GtidSet.parse(A + ":9")))).isTrue();
	}

	@Test
	void boundedKeepsTheGivenSourcesFirstThenOthersInTextOrder() {
		String c = "5e11fa47-71ca-11e1-9e33-c80aa9429562";
		GtidSet set = GtidSet.parse(A + ":1," + B + ":2," + c + ":3");
		assertThat(set.bounded(4, 2, GtidSet.EMPTY)).hasToString(A + ":1," + B + ":2");
		assertThat(set.bounded(4, 2, GtidSet.parse(c + ":3"))).hasToString(A + ":1," + c + ":3");
		assertThat(set.bounded(4, 2, GtidSet.parse(c + ":3")).sources()).isEqualTo(2);
	}

	@Test
	void theHorizonWidensToOneToTheHighestNumberPerSource() {
		assertThat(GtidSet.parse(A + ":1-5:1000004," + B + ":7").horizon()).hasToString(A + ":1-1000004," + B + ":1-7");
		GtidSet widened = GtidSet.parse(A + ":1-9");
		assertThat(widened.horizon()).isSameAs(widened);
	}

	@Test
	void malformedSetsAreRejectedWithTheReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse("not-a-uuid:1")).withMessageContaining("UUID");
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse(A)).withMessageContaining("no interval");
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse(A + ":5-3")).withMessageContaining("5-3");
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse(A + ":0")).withMessageContaining("positive");
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse(A + ":1-x"));
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse(A + ":1,,"));
		assertThatIllegalArgumentException().isThrownBy(() -> GtidSet.parse("x".repeat(GtidSet.MAX_TEXT_LENGTH + 1)))
			.withMessageContaining("longer than");
	}

}
