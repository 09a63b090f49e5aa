package io.github.rwsplit.consistency;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.gtid.GtidSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Signed tokens: what is accepted, what is ignored (and counted), and that keys never show.
 */
class ConsistencyTokenCodecTests {

	private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final long NOW = 1_800_000_000_000L;

	private static final String OLD_KEY = "old-key-0123456789-0123456789-0123456789";

	private static final String NEW_KEY = "new-key-9876543210-9876543210-9876543210";

	private static final ConsistencyToken TOKEN = ConsistencyToken.EMPTY.afterCommit(GtidSet.parse(A + ":42"), NOW)
		.withReplica("replica-2");

	private static ConsistencyTokenCodec codec(String... keys) {
		return ConsistencyTokenCodec
			.signed(java.util.Arrays.stream(keys).map((key) -> key.getBytes(StandardCharsets.UTF_8)).toList());
	}

	@Test
	void aSignedTokenRoundTripsThroughItsTextForm() {
		ConsistencyTokenCodec codec = codec(NEW_KEY);
		String text = codec.encode(TOKEN);
		assertThat(text).startsWith("r2.").matches("[A-Za-z0-9._-]+");
		assertThat(codec.decode(text, NOW)).isEqualTo(TOKEN);
		assertThat(codec.decode(codec.encode(ConsistencyToken.EMPTY), NOW)).isEqualTo(ConsistencyToken.EMPTY);
		assertThat(codec.rejectedSignatures()).isZero();
	}

	@Test
	void aTokenWithTamperedGtidsIsIgnoredAndCounted() {
		ConsistencyTokenCodec codec = codec(NEW_KEY);
		String text = codec.encode(TOKEN);
		String tag = text.substring(text.lastIndexOf('.'));
		String forged = codec.encode(ConsistencyToken.EMPTY.afterCommit(GtidSet.parse(A + ":999999"), NOW)
			.withReplica("replica-2"));
		String tampered = forged.substring(0, forged.lastIndexOf('.')) + tag;
		assertThat(codec.decode(tampered, NOW)).isNull();
		assertThat(codec.rejectedSignatures()).isEqualTo(1);
	}

	@Test
	void aTokenSignedWithAnotherKeyIsIgnored() {
		String text = codec(OLD_KEY).encode(TOKEN);
		ConsistencyTokenCodec codec = codec(NEW_KEY);
		assertThat(codec.decode(text, NOW)).isNull();
		assertThat(codec.rejectedSignatures()).isEqualTo(1);
	}

	@Test
	void aTokenSignedWithTheKeyBeingRotatedOutIsStillAcceptedWhileNewTokensUseTheNewKey() {
		String issuedBefore = codec(OLD_KEY).encode(TOKEN);
		ConsistencyTokenCodec rotating = codec(NEW_KEY, OLD_KEY);
		assertThat(rotating.decode(issuedBefore, NOW)).isEqualTo(TOKEN);
		String issuedNow = rotating.encode(TOKEN);
		assertThat(codec(NEW_KEY).decode(issuedNow, NOW)).isEqualTo(TOKEN);
		assertThat(codec(OLD_KEY).decode(issuedNow, NOW)).isNull();
	}

	@Test
	void anUnsignedTokenIsIgnoredAndCountedWhenKeysAreConfigured() {
		ConsistencyTokenCodec codec = codec(NEW_KEY);
		assertThat(codec.decode(TOKEN.encode(), NOW)).isNull();
		assertThat(codec.rejectedSignatures()).isEqualTo(1);
	}

	@Test
	void withoutKeysOnlyUnsignedTokensAreRead() {
		ConsistencyTokenCodec unsigned = ConsistencyTokenCodec.unsigned();
		assertThat(unsigned.isSigning()).isFalse();
		assertThat(unsigned.encode(TOKEN)).isEqualTo(TOKEN.encode());
		assertThat(unsigned.decode(TOKEN.encode(), NOW)).isEqualTo(TOKEN);
		assertThat(unsigned.decode(codec(NEW_KEY).encode(TOKEN), NOW)).isNull();
	}

	@Test
	void malformedSignedTextIsNoTokenNeverAnException() {
		ConsistencyTokenCodec codec = codec(NEW_KEY);
		String text = codec.encode(TOKEN);
		for (String bad : List.of("r2.", "r2..", "r2.x", text.substring(0, text.length() - 1),
				text.substring(0, text.lastIndexOf('.')), text + "!", text.substring(0, text.lastIndexOf('.') + 1) + "%%%",
				"r2." + "A".repeat(3000), "garbage")) {
			assertThat(codec.decode(bad, NOW)).as(bad.substring(0, Math.min(30, bad.length()))).isNull();
		}
		assertThat(codec.decode(null, NOW)).isNull();
	}

	@Test
	void keysAppearNeitherInToStringNorInExceptionMessages() {
		ConsistencyTokenCodec codec = codec(NEW_KEY, OLD_KEY);
		assertThat(codec.toString()).doesNotContain(NEW_KEY).doesNotContain(OLD_KEY).contains("signed");
		String shortKey = "short-secret";
		assertThatIllegalArgumentException().isThrownBy(() -> codec(NEW_KEY, shortKey))
			.withMessageContaining("[1]")
			.withMessageNotContaining(shortKey)
			.withMessageNotContaining(NEW_KEY);
	}

	@Test
	void theProgrammaticApiSignsAndVerifiesWithTheInstalledCodec() {
		ConsistencyTokenCodec codec = codec(NEW_KEY);
		ConsistencyTokenCodec previous = ConsistencyTokenCodec.install(codec);
		try (ConsistencyContext.Scope scope = ConsistencyContext.open(TOKEN, ConsistencyContext.TokenSink.NONE)) {
			assertThat(ConsistencyContext.currentTokenText()).isEqualTo(codec.encode(TOKEN));
			assertThat(ConsistencyContext.useToken(TOKEN.encode())).as("unsigned").isFalse();
			assertThat(ConsistencyContext.useToken(codec(OLD_KEY).encode(TOKEN))).as("other key").isFalse();
			assertThat(ConsistencyContext.useToken(codec.encode(TOKEN.afterCommit(GtidSet.parse(A + ":43"), NOW))))
				.isTrue();
			assertThat(ConsistencyContext.currentToken().gtids()).hasToString(A + ":42-43");
		}
		finally {
			ConsistencyTokenCodec.uninstall(codec, previous);
		}
		assertThat(ConsistencyTokenCodec.installed()).isSameAs(previous);
	}

}
