package io.github.rwsplit.gtid;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Permits for rwsplit's waits: a fixed cap per node, refused at once beyond it, never more than
 * the cap held under contention.
 */
class WaitPermitsTests {

	@Test
	void eachNodeHasItsOwnCapAndOverflowIsRefusedAtOnce() {
		WaitPermits permits = new WaitPermits(Map.of("replica-1", 2), 1);
		assertThat(permits.tryAcquire("replica-1")).isTrue();
		assertThat(permits.tryAcquire("replica-1")).isTrue();
		assertThat(permits.tryAcquire("replica-1")).isFalse();
		assertThat(permits.tryAcquire("replica-2")).isTrue();
		assertThat(permits.tryAcquire("replica-2")).isFalse();
		assertThat(permits.inUse("replica-1")).isEqualTo(2);
		assertThat(permits.refused()).isEqualTo(2);
		permits.release("replica-1");
		assertThat(permits.tryAcquire("replica-1")).isTrue();
		assertThat(permits.max("replica-1")).isEqualTo(2);
		assertThat(permits.max("anything-else")).isEqualTo(1);
	}

	@Test
	void releasingAPermitNotHeldIsAnError() {
		WaitPermits permits = new WaitPermits(3);
		assertThatIllegalStateException().isThrownBy(() -> permits.release("replica-1"));
		assertThat(permits.inUse("replica-1")).isZero();
	}

	@Test
	void aCapBelowOneIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WaitPermits(0));
		assertThatIllegalArgumentException().isThrownBy(() -> new WaitPermits(Map.of("replica-1", 0), 2))
			.withMessageContaining("replica-1");
	}

	@Test
	void underContentionNoMoreThanTheCapIsEverHeld() throws Exception {
		WaitPermits permits = new WaitPermits(3);
		AtomicInteger holding = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			Future<?>[] done = new Future<?>[8];
			for (int t = 0; t < done.length; t++) {
				done[t] = threads.submit(() -> {
					start.await();
					for (int i = 0; i < 20_000; i++) {
						if (permits.tryAcquire("replica-1")) {
							most.accumulateAndGet(holding.incrementAndGet(), Math::max);
							holding.decrementAndGet();
							permits.release("replica-1");
						}
					}
					return null;
				});
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(most.get()).isBetween(1, 3);
		assertThat(permits.inUse("replica-1")).isZero();
	}

	@Test
	void queueingTakesAFreePermitOfAnyNodeAtOnce() {
		WaitPermits permits = new WaitPermits(1);
		assertThat(permits.tryAcquire("replica-1")).isTrue();
		assertThat(permits.acquireAny(List.of("replica-1", "replica-2"), 0)).isEqualTo("replica-2");
		assertThat(permits.inUse("replica-2")).isEqualTo(1);
		assertThat(permits.queued()).isZero();
	}

	@Test
	void aQueuedCallerGetsThePermitAnotherGivesBack() throws Exception {
		WaitPermits permits = new WaitPermits(1);
		assertThat(permits.tryAcquire("replica-1")).isTrue();
		assertThat(permits.tryAcquire("replica-2")).isTrue();
		ExecutorService thread = Executors.newSingleThreadExecutor();
		try {
			Future<String> queued = thread
				.submit(() -> permits.acquireAny(List.of("replica-1", "replica-2"), TimeUnit.SECONDS.toNanos(60)));
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> permits.queued() == 1);
			permits.release("replica-2");
			assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo("replica-2");
			assertThat(permits.inUse("replica-2")).isEqualTo(1);
			assertThat(permits.queued()).isZero();
		}
		finally {
			thread.shutdownNow();
		}
	}

	@Test
	void aQueuedCallerGivesUpAtItsBoundOrWhenInterruptedHoldingNothing() {
		WaitPermits permits = new WaitPermits(1);
		assertThat(permits.tryAcquire("replica-1")).isTrue();
		assertThat(permits.acquireAny(List.of("replica-1"), TimeUnit.MILLISECONDS.toNanos(50))).isNull();
		assertThat(permits.queued()).isZero();
		Thread.currentThread().interrupt();
		try {
			assertThat(permits.acquireAny(List.of("replica-1"), TimeUnit.SECONDS.toNanos(60))).isNull();
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(permits.inUse("replica-1")).isEqualTo(1);
		assertThat(permits.queued()).isZero();
	}

}
