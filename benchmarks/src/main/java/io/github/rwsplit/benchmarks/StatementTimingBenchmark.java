package io.github.rwsplit.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.github.rwsplit.routing.ResponseTime;

/**
 * What timing one statement on a replica costs: the work {@code ResponseTimeInterceptor} adds to
 * every statement (two clock reads and an update of the replica's average).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StatementTimingBenchmark {

	private final ResponseTime responseTime = ResponseTime.create(Duration.ofSeconds(10));

	@Benchmark
	public ResponseTime timeOneStatement() {
		long started = System.nanoTime();
		long now = System.nanoTime();
		this.responseTime.record(now - started, now);
		return this.responseTime;
	}

}
