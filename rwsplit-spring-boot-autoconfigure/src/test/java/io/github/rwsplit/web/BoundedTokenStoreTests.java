package io.github.rwsplit.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.consistency.ConsistencyToken;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedTokenStoreTests {

	@Test
	void aFloodOfDistinctSessionsNeverGrowsPastTheBound() {
		BoundedTokenStore store = new BoundedTokenStore(1000, Duration.ofMinutes(1));
		ConsistencyToken token = ConsistencyToken.EMPTY.afterWrite(1);
		for (int i = 0; i < 100_000; i++) {
			store.put("session-" + i, token);
			assertThat(store.size()).isLessThanOrEqualTo(1000);
		}
		assertThat(store.get("session-99999")).isEqualTo(token);
	}

	@Test
	void entriesExpire() {
		BoundedTokenStore store = new BoundedTokenStore(10, Duration.ZERO);
		store.put("k", ConsistencyToken.EMPTY.afterWrite(1));
		assertThat(store.get("k")).isNull();
		assertThat(store.size()).isZero();
	}

}
