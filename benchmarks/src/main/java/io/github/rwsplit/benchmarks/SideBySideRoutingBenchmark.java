package io.github.rwsplit.benchmarks;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same work as {@link RoutingOverheadBenchmark}, but rwsplit and plain HikariCP run at the
 * same time, in one JMH group, with equal thread counts: whatever else the machine is doing hits
 * both alike, so their ratio is stable on a noisy machine. Choose threads per contender with
 * {@code -tg N,N}.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 8, time = 5)
@Fork(1)
public class SideBySideRoutingBenchmark {

	private final RoutingOverheadBenchmark contenders = new RoutingOverheadBenchmark();

	@Setup(Level.Trial)
	public void start() {
		this.contenders.startCluster();
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.contenders.stopCluster();
	}

	@Benchmark
	@Group("selectOne")
	@GroupThreads(1)
	public int plainHikari() throws SQLException {
		return this.contenders.plainHikari();
	}

	@Benchmark
	@Group("selectOne")
	@GroupThreads(1)
	public int rwsplitReplica() throws SQLException {
		return this.contenders.rwsplitReplica();
	}

}
