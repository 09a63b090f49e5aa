package io.github.rwsplit.web;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.consistency.ConsistencyToken;

/**
 * Server-side tokens by session key, bounded in size and time: an entry lives for {@code ttl}
 * after its last write, and when the store is full, expired entries go first, then arbitrary
 * ones. Losing an entry only means a read may miss that session's recent writes, never an error.
 * A flood of distinct keys cannot grow memory past {@code maxEntries}.
 */
final class BoundedTokenStore {

	private record Entry(ConsistencyToken token, long expiresAt) {
	}

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final int maxEntries;

	private final long ttlNanos;

	BoundedTokenStore(int maxEntries, Duration ttl) {
		if (maxEntries < 1) {
			throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
		}
		this.maxEntries = maxEntries;
		this.ttlNanos = ttl.toNanos();
	}

	@Nullable ConsistencyToken get(String key) {
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return null;
		}
		if (System.nanoTime() - entry.expiresAt() > 0) {
			this.entries.remove(key, entry);
			return null;
		}
		return entry.token();
	}

	/** Merges a token into a session's, so that concurrent requests of one session lose nothing. */
	void put(String key, ConsistencyToken token) {
		if (this.entries.size() >= this.maxEntries && !this.entries.containsKey(key)) {
			evict();
		}
		long expiresAt = System.nanoTime() + this.ttlNanos;
		this.entries.merge(key, new Entry(token, expiresAt),
				(current, added) -> new Entry(current.token().merge(added.token()), expiresAt));
	}

	int size() {
		return this.entries.size();
	}

	private void evict() {
		long now = System.nanoTime();
		this.entries.values().removeIf((entry) -> now - entry.expiresAt() > 0);
		// Still full: make room for a tenth, arbitrarily.
		int excess = this.entries.size() - this.maxEntries + Math.max(1, this.maxEntries / 10);
		Iterator<String> keys = this.entries.keySet().iterator();
		while (excess-- > 0 && keys.hasNext()) {
			keys.next();
			keys.remove();
		}
	}

}
