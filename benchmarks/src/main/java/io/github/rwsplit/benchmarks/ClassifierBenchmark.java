package io.github.rwsplit.benchmarks;

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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.github.rwsplit.statement.SqlClassifier;

/**
 * What classifying one statement costs, uncached (plain statements) and through the cache
 * (prepared statements), for a short lookup, a longer join with functions and a comment, and a
 * write. Run with {@code -prof gc} for allocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClassifierBenchmark {

	@Param({ "lookup", "report", "insert" })
	public String statement;

	private final SqlClassifier classifier = new SqlClassifier(List.of(), 2048);

	private String sql;

	@org.openjdk.jmh.annotations.Setup
	public void setUp() {
		this.sql = switch (this.statement) {
			case "lookup" -> "SELECT id, title, body FROM posts WHERE id = ?";
			case "report" -> "/* monthly report */ SELECT p.author, COUNT(*), MAX(p.created_at), "
					+ "DATE_FORMAT(p.created_at, '%Y-%m') AS month FROM posts p JOIN comments c ON c.post_id = p.id "
					+ "WHERE p.created_at > NOW() - INTERVAL 30 DAY GROUP BY p.author, month ORDER BY 2 DESC LIMIT 20";
			default -> "INSERT INTO comments (post_id, author, text) VALUES (?, ?, ?)";
		};
	}

	@Benchmark
	public Object uncached() {
		return this.classifier.classify(this.sql);
	}

	@Benchmark
	public Object cached() {
		return this.classifier.classifyPrepared(this.sql);
	}

}
