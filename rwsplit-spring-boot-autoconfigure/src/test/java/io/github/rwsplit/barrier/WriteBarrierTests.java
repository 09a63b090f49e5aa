package io.github.rwsplit.barrier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.RoutingAnnotations;
import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Write-barrier outcomes that need no server: nothing to wait for, replicas the monitor already
 * knows to have the write, too few replicas, and the timeout policies. Waiting on real replicas is
 * covered by {@code ReplicaSelectionIT}.
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
	void tooFewReplicasInRotationFailsAtOnceSayingTheWriteCommitted() {
		this.router.setTopology(new RoutingTopology("primary", null, "default", List.of(this.one),
				List.of(new RoutingTopology.Exclusion("replica-2", "default", "DOWN", "unreachable"))));
		WriteBarrier.Mark before = new WriteBarrier.Mark(0, GtidSet.EMPTY, 0);
		WriteBarrier.Mark after = new WriteBarrier.Mark(1, gtids("3"), 1);
		assertThatExceptionOfType(WriteBarrierException.class)
			.isThrownBy(() -> this.barrier.awaitBetween(before, after, 2, null, null, null))
			.withMessageContaining("committed on the primary (" + UUID + ":1-3)")
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
