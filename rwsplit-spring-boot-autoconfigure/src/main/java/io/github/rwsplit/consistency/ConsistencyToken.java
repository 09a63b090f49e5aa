package io.github.rwsplit.consistency;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.gtid.GtidSet;

/**
 * What a session must see: the GTIDs it committed, as their real intervals and bounded in size,
 * and the wall-clock time of its last write (for {@link ConsistencyMode#PIN}); and, with sticky
 * replicas on, the replica its reads stay on. Immutable.
 *
 * <p>The bound: at most {@link #MAX_INTERVALS_PER_SOURCE} intervals per source and
 * {@link #MAX_SOURCES} sources. After a commit the token always keeps that commit, then the
 * highest-numbered of the session's other intervals. What is dropped was committed before the
 * commit that is kept, so a replica that preserves the source's commit order
 * ({@code replica_preserve_commit_order=ON}, MySQL's default since 8.0.27; Group Replication applies
 * in the group's total order) has it whenever it has the kept one. Nothing is ever widened: a token
 * never names a transaction the session did not commit, which under Group Replication (GTIDs in
 * blocks per member) or with a gapped {@code gtid_purged} would be one no replica ever has.
 *
 * <p>Its text form travels through cookies, headers and messages, so {@link #decode(String, long)}
 * treats it as untrusted: bounded length, strict syntax, and anything wrong yields {@code null}
 * (no token), never an exception. A forged token can at worst make reads wait (bounded) or go to
 * the primary. {@link #encode()} and {@link #decode(String, long)} are the unsigned form;
 * {@link ConsistencyTokenCodec} adds and checks a signature when signing keys are configured.
 */
public final class ConsistencyToken {

	/** No writes to see. */
	public static final ConsistencyToken EMPTY = new ConsistencyToken(GtidSet.EMPTY, 0, null, 0);

	/** Longest text {@link #decode(String, long)} accepts. */
	public static final int MAX_TEXT_LENGTH = 2048;

	/**
	 * Most intervals a token keeps per source: the latest commit's and the highest-numbered
	 * others. One is enough where replicas preserve commit order; the others cover the session's
	 * recent commits where they do not.
	 */
	public static final int MAX_INTERVALS_PER_SOURCE = 4;

	/**
	 * Most sources (server UUIDs) a token keeps. A session's commits name one source, two after a
	 * failover of asynchronous replication; the bound keeps forged and merged tokens small.
	 */
	public static final int MAX_SOURCES = 4;

	private static final String PREFIX = "r1.";

	private static final Pattern TEXT = Pattern
		.compile("r1\\.([A-Za-z0-9_-]*)\\.([0-9]{1,15})(?:\\.([A-Za-z0-9_-]{0,100})(?:\\.([0-9]{1,15}))?)?");

	private final GtidSet gtids;

	private final long lastWriteMillis;

	private final String replica;

	private final long observedMillis;

	private ConsistencyToken(GtidSet gtids, long lastWriteMillis, String replica, long observedMillis) {
		this.gtids = gtids;
		this.lastWriteMillis = lastWriteMillis;
		this.replica = replica;
		this.observedMillis = observedMillis;
	}

	/**
	 * A token of the given commits, bounded: the highest-numbered intervals of each source.
	 * @param gtids the commits
	 * @param lastWriteMillis when the last write happened (epoch milliseconds), or 0
	 * @return the token
	 */
	public static ConsistencyToken of(GtidSet gtids, long lastWriteMillis) {
		return new ConsistencyToken(bound(gtids, GtidSet.EMPTY), Math.max(0, lastWriteMillis), null, 0);
	}

	private static GtidSet bound(GtidSet gtids, GtidSet keep) {
		return gtids.bounded(MAX_INTERVALS_PER_SOURCE, MAX_SOURCES, keep);
	}

	/** @return the commits to see: real intervals, at most {@link #MAX_INTERVALS_PER_SOURCE} per source */
	public GtidSet gtids() {
		return this.gtids;
	}

	/** @return when the session last wrote (epoch milliseconds), or 0 */
	public long lastWriteMillis() {
		return this.lastWriteMillis;
	}

	/** @return the replica the session's reads stay on (sticky replicas), or {@code null} */
	public @Nullable String replica() {
		return this.replica;
	}

	/**
	 * This token with the session's reads staying on a replica.
	 * @param replica the replica's node name, or {@code null} for none
	 * @return the token
	 */
	public ConsistencyToken withReplica(@Nullable String replica) {
		return new ConsistencyToken(this.gtids, this.lastWriteMillis, replica, 0);
	}

	/**
	 * With sticky replicas, the last time the session read from the primary because no replica was
	 * far enough along: its next replica must have applied everything committed before then.
	 * @return epoch milliseconds, or 0
	 */
	public long observedMillis() {
		return this.observedMillis;
	}

	/**
	 * This token after a sticky session read from the primary: it has no replica until one has
	 * caught up with what it saw there.
	 * @param nowMillis the wall clock now
	 * @return the token
	 */
	public ConsistencyToken afterPrimaryRead(long nowMillis) {
		return new ConsistencyToken(this.gtids, this.lastWriteMillis, null, Math.max(this.observedMillis, nowMillis));
	}

	/** @return whether there is nothing to see and no replica to stay on */
	public boolean isEmpty() {
		return this.gtids.isEmpty() && this.lastWriteMillis == 0 && this.replica == null && this.observedMillis == 0;
	}

	/**
	 * This token after a commit: the commit is always kept, and older intervals make room for it.
	 * @param gtid the commit's GTID (set), as MySQL reported it
	 * @param nowMillis the wall clock now
	 * @return the merged token
	 */
	public ConsistencyToken afterCommit(GtidSet gtid, long nowMillis) {
		GtidSet merged = bound(this.gtids.union(gtid), gtid);
		return new ConsistencyToken(merged, Math.max(this.lastWriteMillis, nowMillis), this.replica, this.observedMillis);
	}

	/**
	 * This token after a write whose GTID is unknown (servers without GTIDs).
	 * @param nowMillis the wall clock now
	 * @return the token
	 */
	public ConsistencyToken afterWrite(long nowMillis) {
		return new ConsistencyToken(this.gtids, Math.max(this.lastWriteMillis, nowMillis), this.replica,
				this.observedMillis);
	}

	/**
	 * A token that must see what both must. The replica to stay on is this token's, if it has one.
	 * When the union is over the bound, the intervals of the token that wrote last (by its write
	 * time) are kept first, since it holds the later commit; on a tie, the highest-numbered. The
	 * merge is therefore the same whichever token it is called on.
	 * @param other another token
	 * @return the merged token
	 */
	public ConsistencyToken merge(ConsistencyToken other) {
		if (other.isEmpty()) {
			return this;
		}
		if (isEmpty()) {
			return other;
		}
		GtidSet keep = (this.lastWriteMillis > other.lastWriteMillis) ? this.gtids
				: (other.lastWriteMillis > this.lastWriteMillis) ? other.gtids : GtidSet.EMPTY;
		return new ConsistencyToken(bound(this.gtids.union(other.gtids), keep),
				Math.max(this.lastWriteMillis, other.lastWriteMillis), (this.replica != null) ? this.replica : other.replica,
				Math.max(this.observedMillis, other.observedMillis));
	}

	/** @return the text form, safe in cookies, headers and URLs */
	public String encode() {
		String gtidText = this.gtids.toString();
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String text = PREFIX + encoder.encodeToString(gtidText.getBytes(StandardCharsets.US_ASCII)) + "."
				+ this.lastWriteMillis;
		if (this.replica == null && this.observedMillis == 0) {
			return text;
		}
		String replicaText = (this.replica != null)
				? encoder.encodeToString(this.replica.getBytes(StandardCharsets.UTF_8)) : "";
		return text + "." + replicaText + ((this.observedMillis != 0) ? "." + this.observedMillis : "");
	}

	/**
	 * Reads a token's text form, which may come from anyone.
	 * @param text the text, may be {@code null}
	 * @param nowMillis the wall clock now: a write time in the future is pulled back to now, so a
	 * forged token cannot pin a session for longer than one pin period
	 * @return the token, or {@code null} when the text is absent, too long or malformed
	 */
	public static @Nullable ConsistencyToken decode(@Nullable String text, long nowMillis) {
		if (text == null || text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
			return null;
		}
		var matcher = TEXT.matcher(text);
		if (!matcher.matches()) {
			return null;
		}
		try {
			String gtidText = new String(Base64.getUrlDecoder().decode(matcher.group(1)), StandardCharsets.US_ASCII);
			GtidSet gtids = GtidSet.parse(gtidText);
			long lastWrite = Math.min(Long.parseLong(matcher.group(2)), nowMillis);
			String replica = (matcher.group(3) != null && !matcher.group(3).isEmpty())
					? new String(Base64.getUrlDecoder().decode(matcher.group(3)), StandardCharsets.UTF_8) : null;
			long observed = (matcher.group(4) != null) ? Math.min(Long.parseLong(matcher.group(4)), nowMillis) : 0;
			// Tokens of earlier versions, compacted to uuid:1-N, are within the bound and read as they were.
			return new ConsistencyToken(bound(gtids, GtidSet.EMPTY), Math.max(0, lastWrite), replica, observed);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public boolean equals(Object obj) {
		return obj instanceof ConsistencyToken other && other.gtids.equals(this.gtids)
				&& other.lastWriteMillis == this.lastWriteMillis && java.util.Objects.equals(other.replica, this.replica)
				&& other.observedMillis == this.observedMillis;
	}

	@Override
	public int hashCode() {
		return (this.gtids.hashCode() * 31 + Long.hashCode(this.lastWriteMillis)) * 31
				+ java.util.Objects.hashCode(this.replica) + Long.hashCode(this.observedMillis);
	}

	@Override
	public String toString() {
		return "ConsistencyToken[" + this.gtids + ", lastWrite=" + this.lastWriteMillis
				+ ((this.replica != null) ? ", replica=" + this.replica : "")
				+ ((this.observedMillis != 0) ? ", observed=" + this.observedMillis : "") + "]";
	}

}
