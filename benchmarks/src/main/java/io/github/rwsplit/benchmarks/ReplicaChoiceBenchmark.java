package io.github.rwsplit.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.github.rwsplit.balancing.LoadBalancing;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;
import io.github.rwsplit.routing.ResponseTime;
import io.github.rwsplit.testcluster.stub.StubDataSource;

/**
 * What choosing a replica costs under each policy, over three replicas with measured response
 * times and lags. Run with {@code -prof gc} for allocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplicaChoiceBenchmark {

	@Param({ "ROUND_ROBIN", "RANDOM", "WEIGHTED", "LEAST_LAG", "FASTEST_RESPONSE" })
	public String policy;

	private ReplicaSelector selector;

	private List<ReplicaNode> candidates;

	@Setup
	public void setUp() {
		this.selector = LoadBalancing.valueOf(this.policy).createSelector();
		this.candidates = List.of(node("replica-1", 400_000), node("replica-2", 550_000), node("replica-3", 900_000));
	}

	private static ReplicaNode node(String name, long averageNanos) {
		ResponseTime responseTime = ResponseTime.create(Duration.ofHours(1));
		responseTime.record(averageNanos, System.nanoTime());
		return new ReplicaNode(name, "default", 1, new StubDataSource(name), () -> 0, responseTime)
			.withLag(averageNanos * 10);
	}

	@Benchmark
	public ReplicaNode select() {
		return this.selector.select(this.candidates);
	}

}
