package io.github.rwsplit.barrier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.RoutingAnnotations;
import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.gtid.FakeGtidNode;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.gtid.GtidStatements;
import io.github.rwsplit.gtid.WaitPermits;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Write-barrier outcomes that need no server: nothing to wait for, replicas the monitor already
 * knows to have the write, too few replicas, the timeout policies, and how waits are spread over
 * threads and capped per replica (against stand-in replicas). Waiting on real replicas is covered
 * by {@code ReplicaSelectionIT} and {@code BoundedWaitsIT}.
 */
class WriteBarrierTests {

	private static final String UUID = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private final List<String> checkouts = new ArrayList<>();

	private final ReplicaNode one = new ReplicaNode("replica-1", "default", 1,
			new StubDataSource("replica-1", this.checkouts), () -> 0);

	private final ReplicaNode two = new ReplicaNode("replica-2", "default", 1,
			new StubDataSource("replica-2", this.checkouts), () -> 0);

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary",
			new StubDataSource("primary"), List.of(this.one, this.two),
			new RoutingTopology("primary", "default", List.of(this.one, this.two)), new RoundRobinReplicaSelector());

	private final WriteBarrier barrier = new WriteBarrier(this.router, Duration.ofSeconds(1), BarrierTimeoutPolicy.FAIL);

	@AfterEach
	void close() {
		this.barrier.close();
	}

	private static GtidSet gtids(String range) {
		return GtidSet.parse(UUID + ":" + range);
	}

	private static ReplicaNode at(ReplicaNode node, String range) {
		return node.withHealth(0, gtids(range), System.currentTimeMillis());
	}

	@Test
	void workThatCommittedNothingHasNothingToAwait() {
		WriteBarrier.Mark mark = new WriteBarrier.Mark(3, gtids("5"), 1);
		BarrierResult result = this.barrier.awaitBetween(mark, mark, 2, null, null, null);
		assertThat(result.outcome()).isEqualTo(BarrierResult.Outcome.NOTHING_TO_AWAIT);
		assertThat(this.checkouts).isEmpty();
		assertThat(this.barrier.outcomes(BarrierResult.Outcome.NOTHING_TO_AWAIT).sum()).isEqualTo(1);
	}

	@Test
	void replicasTheMonitorKnowsToHaveTheWriteCountWithoutBeingAsked() {
		this.router.setTopology(new RoutingTopology("primary", "default", List.of(at(this.one, "1-10"), at(this.two, "1-10"))));
		BarrierResult result = this.barrier.await(gtids("1-7"), Primary.ALL, null, null);
		assertThat(result.outcome()).isEqualTo(BarrierResult.Outcome.MET);
		assertThat(result.applied()).containsExactly("replica-1", "replica-2");
		assertThat(result.group()).isEqualTo("default");
		assertThat(this.checkouts).isEmpty();
	}

	@Test
	void aGappedSetLikeGroupReplicationsMeetsTheBarrierOfItsLatestCommit() {
		// After an election the new primary numbers from its own block: 6-1000003 never exist.
		this.router.setTopology(new RoutingTopology("primary", "default",
				List.of(at(this.one, "1-5:1000004"), at(this.two, "1-5:1000004"))));
		WriteBarrier.Mark before = new WriteBarrier.Mark(5, gtids("5"), 1);
		WriteBarrier.Mark after = new WriteBarrier.Mark(6, gtids("1000004"), 2);
		BarrierResult result = this.barrier.awaitBetween(before, after, Primary.ALL, null, null, null);
		assertThat(result.outcome()).isEqualTo(BarrierResult.Outcome.MET);
		assertThat(result.gtids()).isEqualTo(gtids("1000004"));
		assertThat(this.checkouts).isEmpty();
	}

	@Test
	void tooFewReplicasInRotationFailsAtOnceSayingTheWriteCommitted() {
		this.router.setTopology(new RoutingTopology("primary", null, "default", List.of(this.one),
				List.of(new RoutingTopology.Exclusion("replica-2", "default", "DOWN", "unreachable"))));
		WriteBarrier.Mark before = new WriteBarrier.Mark(0, GtidSet.EMPTY, 0);
		WriteBarrier.Mark after = new WriteBarrier.Mark(1, gtids("3"), 1);
		assertThatExceptionOfType(WriteBarrierException.class)
			.isThrownBy(() -> this.barrier.awaitBetween(before, after, 2, null, null, null))
			.withMessageContaining("committed on the primary (" + UUID + ":3)")
			.withMessageContaining("group 'default' has only 1 replica(s) in rotation and 2 must apply it")
			.satisfies((ex) -> assertThat(ex.getResult().outcome()).isEqualTo(BarrierResult.Outcome.TOO_FEW_REPLICAS));
		assertThat(this.checkouts).isEmpty();
		// The annotation may ask to warn instead; the result then says the same.
		BarrierResult warned = this.barrier.awaitBetween(before, after, 2, null, null, BarrierTimeoutPolicy.WARN);
		assertThat(warned.met()).isFalse();
		assertThat(this.barrier.outcomes(BarrierResult.Outcome.TOO_FEW_REPLICAS).sum()).isEqualTo(2);
	}

	@Test
	void aWriteWithoutACapturedGtidCannotBeAwaited() {
		WriteBarrier.Mark before = new WriteBarrier.Mark(0, GtidSet.EMPTY, 0);
		WriteBarrier.Mark after = new WriteBarrier.Mark(0, GtidSet.EMPTY, System.currentTimeMillis());
		assertThatExceptionOfType(WriteBarrierException.class)
			.isThrownBy(() -> this.barrier.awaitBetween(before, after, 1, null, null, null))
			.withMessageContaining("gtid_mode must be ON");
	}

	@Test
	void theAnnotationDescribesTheBarrierAndRejectsNonsense() throws NoSuchMethodException {
		RoutingAnnotations.Request two = RoutingAnnotations.on(Annotated.class.getDeclaredMethod("two"));
		assertThat(two.barrier()).isEqualTo(new RoutingAnnotations.Barrier(2, null, Duration.ofMillis(1500),
				BarrierTimeoutPolicy.WARN));
		RoutingAnnotations.Request group = RoutingAnnotations.on(Annotated.class.getDeclaredMethod("wholeGroup"));
		assertThat(group.barrier()).isEqualTo(new RoutingAnnotations.Barrier(Primary.ALL, "reporting", null,
				BarrierTimeoutPolicy.DEFAULT));
		assertThat(RoutingAnnotations.on(Annotated.class.getDeclaredMethod("plain")).barrier()).isNull();
		assertThatIllegalStateException()
			.isThrownBy(() -> RoutingAnnotations.on(Annotated.class.getDeclaredMethod("negative")))
			.withMessageContaining("awaitReplicas = -2");
		assertThatIllegalStateException()
			.isThrownBy(() -> RoutingAnnotations.on(Annotated.class.getDeclaredMethod("timeoutAlone")))
			.withMessageContaining("no write barrier");
		assertThatIllegalStateException()
			.isThrownBy(() -> RoutingAnnotations.on(Annotated.class.getDeclaredMethod("badTimeout")))
			.withMessageContaining("@Primary(awaitTimeout = \"soon\")");
	}

	private static ReadWriteRoutingDataSource router(WaitPermits permits, ReplicaNode... replicas) {
		return new ReadWriteRoutingDataSource("router", "primary", new StubDataSource("primary"), List.of(replicas),
				new RoutingTopology("primary", "default", List.of(replicas)), new RoundRobinReplicaSelector(), permits);
	}

	private static ReplicaNode node(FakeGtidNode node, String name) {
		return new ReplicaNode(name, "default", 1, node, () -> 0);
	}

	@Test
	void aSlowReplicaDoesNotDelayBarriersThatAFastOneMeetsEvenFortyAtOnce() throws Exception {
		FakeGtidNode fast = new FakeGtidNode("replica-1", true, 20);
		FakeGtidNode slow = new FakeGtidNode("replica-2", false, 0);
		ReadWriteRoutingDataSource router = router(new WaitPermits(64), node(fast, "replica-1"), node(slow, "replica-2"));
		int barriers = 40;
		Duration timeout = Duration.ofMillis(1500);
		List<String> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
		ExecutorService callerThreads = Executors.newFixedThreadPool(barriers);
		try (WriteBarrier barrier = new WriteBarrier(router, timeout, BarrierTimeoutPolicy.FAIL)) {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<long[]>> results = new ArrayList<>();
			for (int i = 0; i < barriers; i++) {
				results.add(callerThreads.submit(() -> {
					callers.add(Thread.currentThread().getName());
					start.await();
					long started = System.nanoTime();
					BarrierResult result = barrier.await(gtids("1-3"), 1, null, null);
					assertThat(result.outcome()).isEqualTo(BarrierResult.Outcome.MET);
					assertThat(result.applied()).containsExactly("replica-1");
					return new long[] { (System.nanoTime() - started) / 1_000_000 };
				}));
			}
			start.countDown();
			long slowest = 0;
			for (Future<long[]> result : results) {
				slowest = Math.max(slowest, result.get(10, TimeUnit.SECONDS)[0]);
			}
			// Well below the slow replica's 1.5 s, with room for 40 threads starting on a busy machine.
			assertThat(slowest).isLessThan(750);
		}
		finally {
			callerThreads.shutdownNow();
		}
		assertThat(fast.threads).hasSize(barriers).noneMatch(callers::contains);
		assertThat(slow.threads).noneMatch(callers::contains);
	}

	@Test
	void aReplicaWithoutAFreePermitIsNotAskedAndTheBarrierDoesNotWaitOutItsTimeout() {
		FakeGtidNode one = new FakeGtidNode("replica-1", true, 0);
		FakeGtidNode two = new FakeGtidNode("replica-2", true, 0);
		WaitPermits permits = new WaitPermits(1);
		ReadWriteRoutingDataSource router = router(permits, node(one, "replica-1"), node(two, "replica-2"));
		assertThat(permits.tryAcquire("replica-2")).isTrue();
		try (WriteBarrier barrier = new WriteBarrier(router, Duration.ofSeconds(5), BarrierTimeoutPolicy.FAIL)) {
			BarrierResult all = barrier.await(gtids("1-3"), Primary.ALL, null, null);
			// Both are needed and one cannot be asked: the barrier cannot be met, so it ends at once.
			assertThat(all.outcome()).isEqualTo(BarrierResult.Outcome.TIMED_OUT);
			assertThat(all.notApplied()).containsEntry("replica-2", WriteBarrier.TOO_MANY_WAITS);
			assertThat(all.elapsed()).isLessThan(Duration.ofSeconds(2));
			// replica-1's wait ends by itself, in the background, and gives its permit back.
			await().atMost(Duration.ofSeconds(5)).until(() -> permits.inUse("replica-1") == 0);
			// One replica is enough: the one without a permit does not matter.
			assertThat(barrier.await(gtids("1-3"), 1, null, null).outcome()).isEqualTo(BarrierResult.Outcome.MET);
		}
		assertThat(two.statements).isEmpty();
		assertThat(permits.inUse("replica-2")).isEqualTo(1);
	}

	@Test
	void barriersNeverHoldMoreConnectionsOfAReplicaThanItsPermits() throws Exception {
		FakeGtidNode slow = new FakeGtidNode("replica-1", false, 0);
		WaitPermits permits = new WaitPermits(2);
		ReadWriteRoutingDataSource router = router(permits, node(slow, "replica-1"));
		ExecutorService callers = Executors.newFixedThreadPool(10);
		try (WriteBarrier barrier = new WriteBarrier(router, Duration.ofMillis(300), BarrierTimeoutPolicy.WARN)) {
			List<Future<BarrierResult>> results = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				results.add(callers.submit(() -> barrier.await(gtids("1-3"), 1, null, null)));
			}
			int refused = 0;
			for (Future<BarrierResult> result : results) {
				BarrierResult answer = result.get(10, TimeUnit.SECONDS);
				assertThat(answer.outcome()).isEqualTo(BarrierResult.Outcome.TIMED_OUT);
				refused += WriteBarrier.TOO_MANY_WAITS.equals(answer.notApplied().get("replica-1")) ? 1 : 0;
			}
			assertThat(refused).isPositive();
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(slow.mostCheckedOut()).isLessThanOrEqualTo(2);
		// Each wait was bounded on the client: its timeout (at most 300 ms) plus the margin.
		assertThat(slow.networkTimeouts).isNotEmpty()
			.allSatisfy((millis) -> assertThat(millis).isLessThanOrEqualTo(300 + (int) GtidStatements.CLIENT_MARGIN_MILLIS));
	}

	static class Annotated {

		@Primary(awaitReplicas = 2, awaitTimeout = "1500ms", onTimeout = BarrierTimeoutPolicy.WARN)
		void two() {
		}

		@Primary(awaitGroup = "reporting")
		void wholeGroup() {
		}

		@Primary
		void plain() {
		}

		@Primary(awaitReplicas = -2)
		void negative() {
		}

		@Primary(awaitTimeout = "1s")
		void timeoutAlone() {
		}

		@Primary(awaitReplicas = 1, awaitTimeout = "soon")
		void badTimeout() {
		}

	}

}
