package io.github.rwsplit.consistency;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.gtid.GtidSet;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistencyTokenTests {

	private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final long NOW = 1_800_000_000_000L;

	@Test
	void roundTripsThroughItsTextForm() {
		ConsistencyToken token = ConsistencyToken.EMPTY.afterCommit(GtidSet.parse(A + ":42"), NOW);
		String text = token.encode();
		assertThat(text).startsWith("r1.").matches("[A-Za-z0-9._-]+");
		assertThat(ConsistencyToken.decode(text, NOW)).isEqualTo(token);
		assertThat(token.gtids()).hasToString(A + ":1-42");
		assertThat(token.lastWriteMillis()).isEqualTo(NOW);
	}

	@Test
	void commitsCompactSoTheTokenStaysOneIntervalPerSource() {
		ConsistencyToken token = ConsistencyToken.EMPTY;
		for (int gno = 1; gno <= 1000; gno += 7) {
			token = token.afterCommit(GtidSet.parse(A + ":" + gno), NOW);
		}
		assertThat(token.gtids()).hasToString(A + ":1-995");
		assertThat(token.encode().length()).isLessThan(80);
	}

	@Test
	void malformedOrOversizedTextIsNoToken() {
		for (String text : List.of("", "r1", "r1..", "r2.AAAA.1", "r1.!!.1", "r1.AAAA.-1", "r1.AAAA.1.2",
				"r1." + "QQ".repeat(2000) + ".1", "r1.bm90LWEtZ3RpZA.1")) {
			assertThat(ConsistencyToken.decode(text, NOW)).as(text.substring(0, Math.min(30, text.length()))).isNull();
		}
		assertThat(ConsistencyToken.decode(null, NOW)).isNull();
	}

	@Test
	void aWriteTimeInTheFutureIsPulledBackToNow() {
		String forged = ConsistencyToken.of(GtidSet.EMPTY, NOW + 86_400_000L).encode();
		assertThat(ConsistencyToken.decode(forged, NOW).lastWriteMillis()).isEqualTo(NOW);
	}

	@Test
	void mergeKeepsTheLaterOfBoth() {
		ConsistencyToken first = ConsistencyToken.EMPTY.afterCommit(GtidSet.parse(A + ":5"), NOW);
		ConsistencyToken second = ConsistencyToken.EMPTY.afterWrite(NOW + 10);
		ConsistencyToken merged = first.merge(second);
		assertThat(merged.gtids()).hasToString(A + ":1-5");
		assertThat(merged.lastWriteMillis()).isEqualTo(NOW + 10);
		assertThat(ConsistencyToken.EMPTY.merge(first)).isSameAs(first);
	}

	@Test
	void theStickyReplicaTravelsWithTheTokenAndSurvivesCommitsAndMerges() {
		ConsistencyToken token = ConsistencyToken.EMPTY.withReplica("eu.replica-2");
		assertThat(token.isEmpty()).isFalse();
		ConsistencyToken decoded = ConsistencyToken.decode(token.encode(), NOW);
		assertThat(decoded).isEqualTo(token);
		assertThat(decoded.replica()).isEqualTo("eu.replica-2");
		ConsistencyToken committed = decoded.afterCommit(GtidSet.parse(A + ":9"), NOW);
		assertThat(ConsistencyToken.decode(committed.encode(), NOW)).isEqualTo(committed);
		assertThat(committed.replica()).isEqualTo("eu.replica-2");
		// A token without a replica keeps the other's; with one, its own.
		ConsistencyToken plain = ConsistencyToken.EMPTY.afterWrite(NOW);
		assertThat(plain.merge(token).replica()).isEqualTo("eu.replica-2");
		assertThat(ConsistencyToken.EMPTY.withReplica("replica-1").merge(token).replica()).isEqualTo("replica-1");
		// Tokens from before sticky replicas still read.
		assertThat(ConsistencyToken.decode(plain.encode(), NOW).replica()).isNull();
	}

	@Test
	void contextKeepsTheSessionPerThreadAndTellsTheSink() {
		ConsistencyContext.clear();
		StringBuilder sent = new StringBuilder();
		try (ConsistencyContext.Scope scope = ConsistencyContext.open(ConsistencyToken.EMPTY,
				(token) -> sent.append(token.gtids()))) {
			ConsistencyContext.recordCommit(GtidSet.parse(A + ":3"));
			assertThat(ConsistencyContext.currentToken().gtids()).hasToString(A + ":1-3");
			assertThat(sent).hasToString(A + ":1-3");
			assertThat(ConsistencyContext.useToken("not a token")).isFalse();
			String elsewhere = ConsistencyToken.EMPTY.afterCommit(GtidSet.parse(A + ":9"), NOW).encode();
			assertThat(ConsistencyContext.useToken(elsewhere)).isTrue();
			assertThat(ConsistencyContext.currentToken().gtids()).hasToString(A + ":1-9");
		}
		assertThat(ConsistencyContext.currentToken()).isEqualTo(ConsistencyToken.EMPTY);
	}

}
