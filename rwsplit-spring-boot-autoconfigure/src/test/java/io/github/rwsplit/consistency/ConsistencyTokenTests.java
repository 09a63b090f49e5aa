package io.github.rwsplit.consistency;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.gtid.GtidSet;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistencyTokenTests {

	private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	/** A Group Replication group's UUID: every member's commits carry it, numbered in blocks per member. */
	private static final String G = "aaaaaaaa-71ca-11e1-9e33-c80aa9429562";

	private static final long NOW = 1_800_000_000_000L;

	@Test
	void roundTripsThroughItsTextForm() {
		ConsistencyToken token = ConsistencyToken.EMPTY.afterCommit(GtidSet.parse(A + ":42"), NOW);
		String text = token.encode();
		assertThat(text).startsWith("r1.").matches("[A-Za-z0-9._-]+");
		assertThat(ConsistencyToken.decode(text, NOW)).isEqualTo(token);
		assertThat(token.gtids()).hasToString(A + ":42");
		assertThat(token.lastWriteMillis()).isEqualTo(NOW);
	}

	@Test
	void commitsKeepTheNewestIntervalsSoTheTokenStaysSmall() {
		ConsistencyToken token = ConsistencyToken.EMPTY;
		for (int gno = 1; gno <= 1000; gno += 7) {
			token = token.afterCommit(GtidSet.parse(A + ":" + gno), NOW);
		}
		assertThat(token.gtids()).hasToString(A + ":974:981:988:995");
		assertThat(token.encode().length()).isLessThan(110);
		// Contiguous commits stay one interval.
		ConsistencyToken contiguous = ConsistencyToken.EMPTY;
		for (int gno = 1; gno <= 1000; gno++) {
			contiguous = contiguous.afterCommit(GtidSet.parse(A + ":" + gno), NOW);
		}
		assertThat(contiguous.gtids()).hasToString(A + ":1-1000");
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
		assertThat(merged.gtids()).hasToString(A + ":5");
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
			assertThat(ConsistencyContext.currentToken().gtids()).hasToString(A + ":3");
			assertThat(sent).hasToString(A + ":3");
			assertThat(ConsistencyContext.useToken("not a token")).isFalse();
			String elsewhere = ConsistencyToken.EMPTY.afterCommit(GtidSet.parse(A + ":9"), NOW).encode();
			assertThat(ConsistencyContext.useToken(elsewhere)).isTrue();
			assertThat(ConsistencyContext.currentToken().gtids()).hasToString(A + ":3:9");
		}
		assertThat(ConsistencyContext.currentToken()).isEqualTo(ConsistencyToken.EMPTY);
	}

	@Test
	void aTokenKeepsTheRealIntervalsSoAReplicaWithAGappedSetSatisfiesIt() {
		// Group Replication after one election: the new primary numbers from its own block.
		ConsistencyToken token = ConsistencyToken.of(GtidSet.parse(G + ":1-5"), NOW)
			.afterCommit(GtidSet.parse(G + ":1000004"), NOW);
		GtidSet replica = GtidSet.parse(G + ":1-5:1000004");
		assertThat(replica.contains(token.gtids())).isTrue();
		assertThat(replica.contains(ConsistencyToken.decode(token.encode(), NOW).gtids())).isTrue();
		assertThat(token.gtids().contains(GtidSet.parse(G + ":1000004"))).isTrue();
		// What the session committed, and nothing that never existed.
		assertThat(token.gtids().contains(GtidSet.parse(G + ":6"))).isFalse();
	}

	@Test
	void tenThousandGappedCommitsKeepTheTokenSmallAndNamingOnlyRealTransactions() {
		// 5,000 commits in a high block, then (after an election) 5,000 in a lower one; other sessions'
		// commits in between leave a gap after each of this session's.
		ConsistencyToken token = ConsistencyToken.EMPTY;
		StringBuilder high = new StringBuilder(G);
		StringBuilder low = new StringBuilder(G);
		long last = 0;
		for (int i = 0; i < 10_000; i++) {
			last = (i < 5_000) ? 1_000_001 + 2L * i : 1 + 2L * (i - 5_000);
			((i < 5_000) ? high : low).append(':').append(last);
			token = token.afterCommit(GtidSet.parse(G + ":" + last), NOW);
		}
		GtidSet committed = GtidSet.parse(high.toString()).union(GtidSet.parse(low.toString()));
		assertThat(committed.contains(token.gtids())).as("only what the session committed").isTrue();
		assertThat(token.gtids().contains(GtidSet.parse(G + ":" + last))).as("the latest commit").isTrue();
		assertThat(token.encode().length()).isLessThan(200);
		assertThat(ConsistencyToken.decode(token.encode(), NOW)).isEqualTo(token);
	}

	@Test
	void aHostileTokenWithManySourcesDecodesToABoundedToken() {
		StringBuilder gtids = new StringBuilder();
		for (int source = 0; source < 30; source++) {
			gtids.append((source == 0) ? "" : ",").append(String.format("%08x", source)).append(A.substring(8))
				.append(":1:3:5:7");
		}
		String text = "r1." + base64(gtids.toString()) + "." + NOW;
		assertThat(text.length()).isLessThanOrEqualTo(ConsistencyToken.MAX_TEXT_LENGTH);
		ConsistencyToken decoded = ConsistencyToken.decode(text, NOW);
		assertThat(decoded).isNotNull();
		assertThat(decoded.encode().length()).isLessThan(600);
	}

	@Test
	void aHostileTokenWithManyIntervalsDecodesToABoundedToken() {
		StringBuilder gtids = new StringBuilder(G);
		for (int gno = 1; gno < 600; gno += 2) {
			gtids.append(':').append(gno);
		}
		String text = "r1." + base64(gtids.toString()) + "." + NOW;
		assertThat(text.length()).isLessThanOrEqualTo(ConsistencyToken.MAX_TEXT_LENGTH);
		ConsistencyToken decoded = ConsistencyToken.decode(text, NOW);
		assertThat(decoded.encode().length()).isLessThan(200);
		assertThat(GtidSet.parse(gtids.toString()).contains(decoded.gtids())).isTrue();
	}

	@Test
	void mergingManyHostileTokensStaysBoundedAndDecodable() {
		ConsistencyToken merged = ConsistencyToken.EMPTY;
		for (int token = 0; token < 100; token++) {
			StringBuilder gtids = new StringBuilder();
			for (int source = 0; source < 20; source++) {
				gtids.append((source == 0) ? "" : ",").append(String.format("%08x", token * 20 + source))
					.append(A.substring(8)).append(":").append(token + 1).append("-").append(1_000_000_000_000L + token);
			}
			merged = merged.merge(ConsistencyToken.decode("r1." + base64(gtids.toString()) + "." + NOW, NOW));
		}
		String text = merged.withReplica("replica-1").encode();
		assertThat(text.length()).isLessThan(600);
		assertThat(ConsistencyToken.decode(text, NOW)).isEqualTo(merged.withReplica("replica-1"));
	}

	@Test
	void mergingKeepsTheIntervalsOfTheTokenThatWroteLast() {
		// The session wrote five times in a high block, then (after an election) once in a lower one;
		// a store still holds the older token. The merge keeps the latest commit.
		ConsistencyToken older = ConsistencyToken.EMPTY;
		for (int gno = 1_000_002; gno <= 1_000_010; gno += 2) {
			older = older.afterCommit(GtidSet.parse(G + ":" + gno), NOW);
		}
		ConsistencyToken newer = older.afterCommit(GtidSet.parse(G + ":7"), NOW + 5);
		assertThat(newer.gtids()).hasToString(G + ":7:1000006:1000008:1000010");
		assertThat(older.merge(newer)).isEqualTo(newer);
		assertThat(newer.merge(older)).isEqualTo(newer);
	}

	@Test
	void theLargestTokenTheBoundsAllowFitsTheTextLimitSignedAndWithAReplica() {
		StringBuilder gtids = new StringBuilder();
		for (int source = 0; source < 10; source++) {
			gtids.append((source == 0) ? "" : ",").append(String.format("%08x", source)).append(A.substring(8))
				.append(":").append("t".repeat(32));
			for (long interval = 0; interval < 10; interval++) {
				gtids.append(':').append(Long.MAX_VALUE - 1000 + 2 * interval * 10).append('-')
					.append(Long.MAX_VALUE - 1000 + 2 * interval * 10 + 1);
			}
		}
		ConsistencyToken token = ConsistencyToken.of(GtidSet.parse(gtids.toString()), NOW)
			.withReplica("r".repeat(75))
			.afterPrimaryRead(NOW);
		assertThat(token.gtids().sources()).isEqualTo(ConsistencyToken.MAX_SOURCES);
		assertThat(token.gtids().hasMoreIntervalsThan(ConsistencyToken.MAX_INTERVALS_PER_SOURCE)).isFalse();
		ConsistencyTokenCodec codec = ConsistencyTokenCodec
			.signed(List.of("k".repeat(32).getBytes(StandardCharsets.UTF_8)));
		String signed = codec.encode(token);
		assertThat(signed.length()).isLessThanOrEqualTo(ConsistencyToken.MAX_TEXT_LENGTH);
		assertThat(codec.decode(signed, NOW)).isEqualTo(token);
	}

	@Test
	void tokensOfThePreviousVersionStillDecodeAsTheyWere() {
		// Issued compacted to uuid:1-N; nothing to widen or drop.
		String old = "r1." + base64(A + ":1-42," + G + ":1-7") + "." + NOW;
		ConsistencyToken decoded = ConsistencyToken.decode(old, NOW);
		assertThat(decoded.gtids()).hasToString(A + ":1-42," + G + ":1-7");
		assertThat(decoded.encode()).isEqualTo(old);
	}

	private static String base64(String text) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
	}

}
