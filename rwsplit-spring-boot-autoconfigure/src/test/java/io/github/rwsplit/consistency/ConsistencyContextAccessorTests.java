package io.github.rwsplit.consistency;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.gtid.GtidSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the consistency accessor carries to another thread: the session's token, as a session of
 * the work's own that tells the submitter's sink nothing; the pool thread is clean afterwards.
 */
class ConsistencyContextAccessorTests {

	private static final ConsistencyToken TOKEN = ConsistencyToken
		.of(GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10"), 1000);

	private final ConsistencyContextAccessor accessor = new ConsistencyContextAccessor();

	private final ExecutorService other = Executors.newSingleThreadExecutor();

	@AfterEach
	void close() {
		this.other.shutdownNow();
		ConsistencyContext.clear();
	}

	@Test
	void aSessionWithNothingToSeeCarriesNothing() {
		ConsistencyContext.clear();
		assertThat(this.accessor.getValue()).isNull();
	}

	@Test
	void theWorkStartsFromTheTokenAndItsWritesStayItsOwn() throws Exception {
		List<ConsistencyToken> sent = new CopyOnWriteArrayList<>();
		try (ConsistencyContext.Scope session = ConsistencyContext.open(TOKEN, sent::add)) {
			Object carried = this.accessor.getValue();
			ConsistencyToken[] seen = CompletableFuture.supplyAsync(() -> {
				Object previous = this.accessor.getValue();
				this.accessor.setValue(carried);
				ConsistencyToken before = ConsistencyContext.currentToken();
				ConsistencyContext.recordWrite();
				ConsistencyToken after = ConsistencyContext.currentToken();
				if (previous != null) {
					this.accessor.restore(previous);
				}
				else {
					this.accessor.restore();
				}
				return new ConsistencyToken[] { before, after };
			}, this.other).get(10, TimeUnit.SECONDS);
			assertThat(seen[0]).isEqualTo(TOKEN);
			assertThat(seen[1].lastWriteMillis()).isGreaterThan(TOKEN.lastWriteMillis());
			assertThat(ConsistencyContext.currentToken()).isEqualTo(TOKEN);
			assertThat(sent).as("the submitter's sink is not told").isEmpty();
		}
		assertThat(CompletableFuture.supplyAsync(ConsistencyContext::currentToken, this.other).get(10, TimeUnit.SECONDS))
			.as("nothing left on the pool thread")
			.isEqualTo(ConsistencyToken.EMPTY);
	}

}
