package io.github.rwsplit.gtid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable MySQL GTID set, such as {@code 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:11,
 * 4e11fa47-...:1-3}, including MySQL 8.4's tagged form ({@code uuid:tag:1-5}). Parsing is strict
 * and bounded, because sets may come from untrusted input later.
 *
 * <p>Only what rwsplit needs: parse, {@link #contains(GtidSet)}, {@link #union(GtidSet)},
 * {@link #intersect(GtidSet)}, {@link #bounded(int, int, GtidSet)} and MySQL's text form. Sets keep
 * their real intervals: GTIDs of one source need not be contiguous (Group Replication hands them
 * out in blocks per member, a restored server may have a gapped {@code gtid_purged}), so nothing
 * here widens a set to transactions it does not name. {@link #contains(GtidSet)}, the hot path,
 * allocates nothing but an iterator.
 */
public final class GtidSet {

	/** The empty set. */
	public static final GtidSet EMPTY = new GtidSet(Collections.emptyMap());

	/** Longest text accepted by {@link #parse(String)}. */
	public static final int MAX_TEXT_LENGTH = 64 * 1024;

	private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s");

	private static final java.util.regex.Pattern UUID = java.util.regex.Pattern
		.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]{0,31}");

	/** Source (uuid, with ":tag" if tagged) to sorted, disjoint, non-adjacent closed intervals. */
	private final Map<String, long[]> intervals;

	private GtidSet(Map<String, long[]> intervals) {
		this.intervals = intervals;
	}

	/**
	 * Parses MySQL's text form. Whitespace and line breaks (as {@code gtid_executed} prints them)
	 * are ignored; an empty text is the empty set.
	 * @param text the set
	 * @return the set
	 * @throws IllegalArgumentException for anything that is not a well-formed GTID set, or longer
	 * than {@link #MAX_TEXT_LENGTH}
	 */
	public static GtidSet parse(String text) {
		if (text == null) {
			throw new IllegalArgumentException("GTID set is null");
		}
		if (text.length() > MAX_TEXT_LENGTH) {
			throw new IllegalArgumentException("GTID set longer than " + MAX_TEXT_LENGTH + " characters");
		}
		String compact = WHITESPACE.matcher(text).replaceAll("");
		if (compact.isEmpty()) {
			return EMPTY;
		}
		Map<String, List<long[]>> parsed = new TreeMap<>();
		for (String member : compact.split(",", -1)) {
			String[] parts = member.split(":", -1);
			if (parts.length < 2) {
				throw invalid(text, "'" + member + "' has no interval");
			}
			String uuid = parseUuid(parts[0], text);
			String source = uuid;
			boolean sawInterval = false;
			for (int i = 1; i < parts.length; i++) {
				String part = parts[i];
				if (!part.isEmpty() && Character.isDigit(part.charAt(0))) {
					parsed.computeIfAbsent(source, (key) -> new ArrayList<>()).add(parseInterval(part, text));
					sawInterval = true;
				}
				else if (TAG.matcher(part).matches()) {
					source = uuid + ":" + part;
				}
				else {
					throw invalid(text, "'" + part + "' is neither an interval nor a tag");
				}
			}
			if (!sawInterval) {
				throw invalid(text, "'" + member + "' has no interval");
			}
		}
		Map<String, long[]> normalized = new TreeMap<>();
		parsed.forEach((source, list) -> normalized.put(source, normalize(list)));
		return new GtidSet(Collections.unmodifiableMap(normalized));
	}

	private static String parseUuid(String text, String whole) {
		String lower = text.toLowerCase(Locale.ROOT);
		if (!UUID.matcher(lower).matches()) {
			throw invalid(whole, "'" + text + "' is not a server UUID");
		}
		return lower;
	}

	private static long[] parseInterval(String text, String whole) {
		int dash = text.indexOf('-');
		try {
			long start = Long.parseLong((dash < 0) ? text : text.substring(0, dash));
			long end = (dash < 0) ? start : Long.parseLong(text.substring(dash + 1));
			if (start < 1 || end < start) {
				throw invalid(whole, "'" + text + "' is not an interval of positive numbers");
			}
			return new long[] { start, end };
		}
		catch (NumberFormatException ex) {
			throw invalid(whole, "'" + text + "' is not an interval of numbers");
		}
	}

	private static IllegalArgumentException invalid(String text, String why) {
		String shown = (text.length() > 80) ? text.substring(0, 80) + "..." : text;
		return new IllegalArgumentException("Invalid GTID set '" + shown + "': " + why);
	}

	/** Sorts and merges overlapping or adjacent intervals into a flat [start, end, start, end...] array. */
	private static long[] normalize(List<long[]> list) {
		list.sort((a, b) -> Long.compare(a[0], b[0]));
		long[] flat = new long[list.size() * 2];
		int n = 0;
		for (long[] interval : list) {
			if (n > 0 && interval[0] <= flat[n - 1] + 1) {
				flat[n - 1] = Math.max(flat[n - 1], interval[1]);
			}
			else {
				flat[n++] = interval[0];
				flat[n++] = interval[1];
			}
		}
		return Arrays.copyOf(flat, n);
	}

	/**
	 * Whether every transaction of another set is in this one.
	 * @param other another set
	 * @return {@code true} when {@code other} is a subset of this set
	 */
	public boolean contains(GtidSet other) {
		if (other == this) {
			return true;
		}
		for (Map.Entry<String, long[]> entry : other.intervals.entrySet()) {
			long[] mine = this.intervals.get(entry.getKey());
			long[] theirs = entry.getValue();
			if (mine == null) {
				return false;
			}
			int i = 0;
			for (int j = 0; j < theirs.length; j += 2) {
				// Intervals are sorted and merged, so one covering interval must hold each of theirs.
				while (i < mine.length && mine[i + 1] < theirs[j]) {
					i += 2;
				}
				if (i >= mine.length || mine[i] > theirs[j] || mine[i + 1] < theirs[j + 1]) {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * The union of this set and another.
	 * @param other another set
	 * @return a set holding every transaction of both
	 */
	public GtidSet union(GtidSet other) {
		if (other.isEmpty() || this.contains(other)) {
			return this;
		}
		if (this.isEmpty() || other.contains(this)) {
			return other;
		}
		Map<String, long[]> merged = new TreeMap<>(this.intervals);
		other.intervals.forEach((source, theirs) -> {
			long[] mine = merged.get(source);
			merged.put(source, (mine != null) ? unionOf(mine, theirs) : theirs);
		});
		return new GtidSet(Collections.unmodifiableMap(merged));
	}

	/** Merges two normalized flat interval arrays into one, in a single pass. */
	private static long[] unionOf(long[] a, long[] b) {
		long[] out = new long[a.length + b.length];
		int n = 0;
		int i = 0;
		int j = 0;
		while (i < a.length || j < b.length) {
			long start;
			long end;
			if (j >= b.length || (i < a.length && a[i] <= b[j])) {
				start = a[i];
				end = a[i + 1];
				i += 2;
			}
			else {
				start = b[j];
				end = b[j + 1];
				j += 2;
			}
			if (n > 0 && start <= out[n - 1] + 1) {
				out[n - 1] = Math.max(out[n - 1], end);
			}
			else {
				out[n++] = start;
				out[n++] = end;
			}
		}
		return (n == out.length) ? out : Arrays.copyOf(out, n);
	}

	/**
	 * The transactions this set and another both hold.
	 * @param other another set
	 * @return the intersection; this set itself when {@code other} contains it
	 */
	public GtidSet intersect(GtidSet other) {
		if (other.contains(this)) {
			return this;
		}
		Map<String, long[]> common = new TreeMap<>();
		this.intervals.forEach((source, mine) -> {
			long[] theirs = other.intervals.get(source);
			if (theirs == null) {
				return;
			}
			long[] out = new long[mine.length + theirs.length];
			int n = 0;
			int i = 0;
			int j = 0;
			while (i < mine.length && j < theirs.length) {
				long low = Math.max(mine[i], theirs[j]);
				long high = Math.min(mine[i + 1], theirs[j + 1]);
				if (low <= high) {
					out[n++] = low;
					out[n++] = high;
				}
				// Advance whichever interval ends first; the other may still overlap the next one.
				if (mine[i + 1] < theirs[j + 1]) {
					i += 2;
				}
				else {
					j += 2;
				}
			}
			if (n > 0) {
				common.put(source, Arrays.copyOf(out, n));
			}
		});
		return common.isEmpty() ? EMPTY : new GtidSet(Collections.unmodifiableMap(common));
	}

	/**
	 * This set cut down to a bounded size, naming no transaction it did not name before: at most
	 * {@code maxSources} sources, and at most {@code maxIntervals} intervals per source. What is
	 * kept, in order of preference:
	 * <ol>
	 * <li>sources and intervals holding a transaction of {@code keep} (normally the latest commit,
	 * or the more recent of two tokens being merged), highest-numbered first;</li>
	 * <li>then the other intervals, highest-numbered first, and the other sources in text order.</li>
	 * </ol>
	 * Dropping never widens: what is dropped is simply no longer required. Whether that is safe is
	 * the caller's reasoning (a replica that preserves commit order and has a later commit of the
	 * same source has the earlier ones).
	 * @param maxIntervals the most intervals kept per source, at least 1
	 * @param maxSources the most sources kept, at least 1
	 * @param keep transactions whose intervals are kept first; may be empty
	 * @return this set when it is within the bounds, otherwise the cut-down set
	 */
	public GtidSet bounded(int maxIntervals, int maxSources, GtidSet keep) {
		if (maxIntervals < 1 || maxSources < 1) {
			throw new IllegalArgumentException("Bounds must be at least 1");
		}
		if (this.intervals.size() <= maxSources && !hasMoreIntervalsThan(maxIntervals)) {
			return this;
		}
		Map<String, long[]> cut = new TreeMap<>();
		// Sources of `keep` first, then the others, in text order within each.
		for (int pass = 0; pass < 2 && cut.size() < maxSources; pass++) {
			for (Map.Entry<String, long[]> entry : this.intervals.entrySet()) {
				if (cut.size() >= maxSources) {
					break;
				}
				long[] kept = keep.intervals.get(entry.getKey());
				if ((pass == 0) == (kept != null)) {
					cut.put(entry.getKey(), newest(entry.getValue(), maxIntervals, kept));
				}
			}
		}
		return new GtidSet(Collections.unmodifiableMap(cut));
	}

	/**
	 * At most {@code max} intervals of a flat array: those overlapping {@code keep} first, then the
	 * others, highest-numbered first in each; returned in ascending order.
	 */
	private static long[] newest(long[] flat, int max, long[] keep) {
		int count = flat.length / 2;
		if (count <= max) {
			return flat;
		}
		boolean[] chosen = new boolean[count];
		int left = max;
		if (keep != null) {
			for (int k = count - 1; k >= 0 && left > 0; k--) {
				if (overlaps(flat[2 * k], flat[2 * k + 1], keep)) {
					chosen[k] = true;
					left--;
				}
			}
		}
		for (int k = count - 1; k >= 0 && left > 0; k--) {
			if (!chosen[k]) {
				chosen[k] = true;
				left--;
			}
		}
		long[] out = new long[2 * max];
		int n = 0;
		for (int k = 0; k < count; k++) {
			if (chosen[k]) {
				out[n++] = flat[2 * k];
				out[n++] = flat[2 * k + 1];
			}
		}
		return out;
	}

	private static boolean overlaps(long start, long end, long[] flat) {
		for (int i = 0; i < flat.length; i += 2) {
			if (flat[i] > end) {
				return false;
			}
			if (flat[i + 1] >= start) {
				return true;
			}
		}
		return false;
	}

	/**
	 * This set widened to {@code 1-N} per source, where N is the source's highest transaction here:
	 * how far each source's numbering has got. It may name transactions that never existed (Group
	 * Replication numbers in blocks per member; a server may have a gapped {@code gtid_purged}), so
	 * it is never something to wait for: only a bound, to tell a number that could have been
	 * handed out from one beyond anything seen.
	 * @return the widened set
	 */
	public GtidSet horizon() {
		boolean widened = true;
		for (long[] flat : this.intervals.values()) {
			if (flat.length != 2 || flat[0] != 1) {
				widened = false;
				break;
			}
		}
		if (widened) {
			return this;
		}
		Map<String, long[]> horizon = new TreeMap<>();
		this.intervals.forEach((source, flat) -> horizon.put(source, new long[] { 1, flat[flat.length - 1] }));
		return new GtidSet(Collections.unmodifiableMap(horizon));
	}

	/** @return the number of sources (server UUIDs, or UUID and tag) the set names */
	public int sources() {
		return this.intervals.size();
	}

	/**
	 * @param maxIntervals a bound
	 * @return whether some source of the set has more than that many intervals
	 */
	public boolean hasMoreIntervalsThan(int maxIntervals) {
		for (long[] flat : this.intervals.values()) {
			if (flat.length > 2 * maxIntervals) {
				return true;
			}
		}
		return false;
	}

	/** @return whether the set holds no transaction */
	public boolean isEmpty() {
		return this.intervals.isEmpty();
	}

	/** @return the number of transactions in the set */
	public long size() {
		long size = 0;
		for (long[] flat : this.intervals.values()) {
			for (int i = 0; i < flat.length; i += 2) {
				size += flat[i + 1] - flat[i] + 1;
			}
		}
		return size;
	}

	@Override
	public boolean equals(Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof GtidSet other) || !this.intervals.keySet().equals(other.intervals.keySet())) {
			return false;
		}
		for (Map.Entry<String, long[]> entry : this.intervals.entrySet()) {
			if (!Arrays.equals(entry.getValue(), other.intervals.get(entry.getKey()))) {
				return false;
			}
		}
		return true;
	}

	@Override
	public int hashCode() {
		int hash = 0;
		for (Map.Entry<String, long[]> entry : this.intervals.entrySet()) {
			hash += entry.getKey().hashCode() ^ Arrays.hashCode(entry.getValue());
		}
		return hash;
	}

	/** @return MySQL's text form, sources in order, without line breaks */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		this.intervals.forEach((source, flat) -> {
			if (!text.isEmpty()) {
				text.append(',');
			}
			text.append(source);
			for (int i = 0; i < flat.length; i += 2) {
				text.append(':').append(flat[i]);
				if (flat[i + 1] != flat[i]) {
					text.append('-').append(flat[i + 1]);
				}
			}
		});
		return text.toString();
	}

}
