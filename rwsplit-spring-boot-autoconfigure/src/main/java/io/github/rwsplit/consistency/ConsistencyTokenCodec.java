package io.github.rwsplit.consistency;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Turns tokens into the text that leaves the process (cookies, headers, message headers) and back:
 * either unsigned ({@code r1.…}, what {@link ConsistencyToken#encode()} writes), or signed with
 * HMAC-SHA256 ({@code r2.<token>.<tag>}) so that a deployment can ignore tokens it did not issue.
 *
 * <p>With signing keys, the first key signs and every key verifies, so a key is rotated by adding
 * the new one first, waiting for tokens signed with the old one to expire (minutes), and then
 * removing it. Verification is constant-time. A text whose tag is missing (an unsigned
 * {@code r1} token) or wrong is treated exactly like malformed text, no token, and counted in
 * {@link #rejectedSignatures()}. Without keys only unsigned tokens are read.
 *
 * <p>It is not responsible for where tokens travel (the web filter, the application's messages),
 * nor for tokens kept on the server (the HTTP session, a server-side store), which need no
 * signature. Keys are never part of {@link #toString()} or of any message.
 *
 * <p>There is one process-wide codec, {@link #installed()}, used by
 * {@link ConsistencyContext#useToken(String)} and {@link ConsistencyContext#currentTokenText()}:
 * those are static methods called from code that has no application context at hand (a message
 * listener), and they must sign and verify as the web filter does, or a token issued over HTTP
 * would not be accepted from a message. Auto-configuration installs the application's codec.
 *
 * <p>Two variants, chosen once at start-up rather than tested per token: {@link #unsigned()}, a
 * pass-through to {@link ConsistencyToken}'s own text form, and {@link #signed(List)}. Thread-safe.
 */
public abstract sealed class ConsistencyTokenCodec permits ConsistencyTokenCodec.Unsigned, ConsistencyTokenCodec.Signed {

	/** Shortest signing key accepted: HMAC-SHA256's output size, as RFC 2104 recommends. */
	public static final int MIN_KEY_BYTES = 32;

	private static final String ALGORITHM = "HmacSHA256";

	private static final String UNSIGNED_PREFIX = "r1.";

	private static final String SIGNED_PREFIX = "r2.";

	private static final ConsistencyTokenCodec UNSIGNED = new Unsigned();

	private static final AtomicReference<ConsistencyTokenCodec> INSTALLED = new AtomicReference<>(UNSIGNED);

	private ConsistencyTokenCodec() {
	}

	/** @return a codec of unsigned tokens, which reads unsigned tokens only */
	public static ConsistencyTokenCodec unsigned() {
		return UNSIGNED;
	}

	/**
	 * A codec of signed tokens.
	 * @param keys the keys, at least {@value #MIN_KEY_BYTES} bytes each: the first signs, all verify
	 * @return the codec
	 * @throws IllegalArgumentException when there is no key or a key is too short (the message says
	 * which one by position, never its content)
	 */
	public static ConsistencyTokenCodec signed(List<byte[]> keys) {
		if (keys == null || keys.isEmpty()) {
			throw new IllegalArgumentException("At least one signing key is needed");
		}
		List<Mac> macs = new ArrayList<>(keys.size());
		for (int i = 0; i < keys.size(); i++) {
			byte[] key = keys.get(i);
			int length = (key != null) ? key.length : 0;
			if (length < MIN_KEY_BYTES) {
				throw new IllegalArgumentException("Signing key [" + i + "] has " + length + " bytes; at least "
						+ MIN_KEY_BYTES + " are needed");
			}
			try {
				Mac mac = Mac.getInstance(ALGORITHM);
				mac.init(new SecretKeySpec(key, ALGORITHM));
				macs.add(mac);
			}
			catch (GeneralSecurityException ex) {
				// Every Java runtime has HmacSHA256; say which key without showing it.
				throw new IllegalStateException("Cannot initialise " + ALGORITHM + " with signing key [" + i + "]", ex);
			}
		}
		return new Signed(List.copyOf(macs));
	}

	/** @return the process-wide codec; {@link #unsigned()} until one is installed */
	public static ConsistencyTokenCodec installed() {
		return INSTALLED.get();
	}

	/**
	 * Makes a codec the process-wide one.
	 * @param codec the codec
	 * @return the codec it replaces, for {@link #uninstall}
	 */
	public static ConsistencyTokenCodec install(ConsistencyTokenCodec codec) {
		if (codec == null) {
			throw new IllegalArgumentException("codec must not be null");
		}
		return INSTALLED.getAndSet(codec);
	}

	/**
	 * Puts back the codec an {@link #install} replaced, unless another one was installed since
	 * (several application contexts in one JVM, closed in any order).
	 * @param codec the codec installed
	 * @param previous what its installation returned
	 */
	public static void uninstall(ConsistencyTokenCodec codec, @Nullable ConsistencyTokenCodec previous) {
		INSTALLED.compareAndSet(codec, (previous != null) ? previous : UNSIGNED);
	}

	/** @return whether tokens are signed, and unsigned ones rejected */
	public abstract boolean isSigning();

	/** @return how many texts were rejected for a missing or wrong signature since start */
	public abstract long rejectedSignatures();

	/**
	 * The token's text form, signed when this codec has keys.
	 * @param token the token
	 * @return the text, safe in cookies, headers and URLs
	 */
	public abstract String encode(ConsistencyToken token);

	/**
	 * Reads a token's text form, which may come from anyone.
	 * @param text the text, may be {@code null}
	 * @param nowMillis the wall clock now, as for {@link ConsistencyToken#decode(String, long)}
	 * @return the token, or {@code null} when the text is absent, too long, malformed or, with
	 * keys, not signed by one of them
	 */
	public abstract @Nullable ConsistencyToken decode(@Nullable String text, long nowMillis);

	/** The token's own text form: what every token was before signing existed. */
	static final class Unsigned extends ConsistencyTokenCodec {

		@Override
		public boolean isSigning() {
			return false;
		}

		@Override
		public long rejectedSignatures() {
			return 0;
		}

		@Override
		public String encode(ConsistencyToken token) {
			return token.encode();
		}

		@Override
		public ConsistencyToken decode(String text, long nowMillis) {
			return ConsistencyToken.decode(text, nowMillis);
		}

		@Override
		public String toString() {
			return "ConsistencyTokenCodec[unsigned]";
		}

	}

	/** The unsigned form with the {@code r2} prefix and an HMAC-SHA256 tag over that text. */
	static final class Signed extends ConsistencyTokenCodec {

		/** Initialised per key; cloned per use, since a Mac is not thread-safe and cloning is cheaper than a lookup. */
		private final List<Mac> macs;

		private final LongAdder rejectedSignatures = new LongAdder();

		private Signed(List<Mac> macs) {
			this.macs = macs;
		}

		@Override
		public boolean isSigning() {
			return true;
		}

		@Override
		public long rejectedSignatures() {
			return this.rejectedSignatures.sum();
		}

		@Override
		public String encode(ConsistencyToken token) {
			String payload = SIGNED_PREFIX + token.encode().substring(UNSIGNED_PREFIX.length());
			return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(tag(this.macs.get(0), payload));
		}

		@Override
		public @Nullable ConsistencyToken decode(@Nullable String text, long nowMillis) {
			if (text == null || text.length() > ConsistencyToken.MAX_TEXT_LENGTH) {
				return null;
			}
			if (text.startsWith(UNSIGNED_PREFIX)) {
				this.rejectedSignatures.increment();
				return null;
			}
			if (!text.startsWith(SIGNED_PREFIX)) {
				return null;
			}
			int dot = text.lastIndexOf('.');
			byte[] tag = null;
			if (dot > SIGNED_PREFIX.length()) {
				try {
					tag = Base64.getUrlDecoder().decode(text.substring(dot + 1));
				}
				catch (IllegalArgumentException ex) {
					// Not base64: no tag, handled below like a wrong one.
				}
			}
			String payload = (tag != null) ? text.substring(0, dot) : null;
			if (tag == null || !verifies(payload, tag)) {
				this.rejectedSignatures.increment();
				return null;
			}
			return ConsistencyToken.decode(UNSIGNED_PREFIX + payload.substring(SIGNED_PREFIX.length()), nowMillis);
		}

		private boolean verifies(String payload, byte[] tag) {
			boolean verified = false;
			// Every key is tried, so timing does not tell which one matched.
			for (Mac mac : this.macs) {
				verified |= MessageDigest.isEqual(tag(mac, payload), tag);
			}
			return verified;
		}

		private static byte[] tag(Mac prototype, String payload) {
			Mac mac;
			try {
				mac = (Mac) prototype.clone();
			}
			catch (CloneNotSupportedException ex) {
				// Providers without clone support are rare: the shared prototype then serves one caller at a time.
				synchronized (prototype) {
					return prototype.doFinal(payload.getBytes(StandardCharsets.UTF_8));
				}
			}
			return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String toString() {
			return "ConsistencyTokenCodec[signed, " + this.macs.size() + " key(s), rejectedSignatures="
					+ rejectedSignatures() + "]";
		}

	}

}
