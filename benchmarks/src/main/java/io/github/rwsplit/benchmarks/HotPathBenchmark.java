package io.github.rwsplit.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.github.rwsplit.balancing.FastestResponseReplicaSelector;
import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ResponseTime;
import io.github.rwsplit.routing.Route;
import io.github.rwsplit.routing.RoutingContext;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.stub.StubDataSource;

/**
 * The routing hot path without a network: checkout, one call that reaches the real connection,
 * close — through HikariCP alone, and through rwsplit (lazy proxy, route decision, replica
 * selection) over the same kind of HikariCP pools, all over a stub driver. The difference is what
 * rwsplit adds per unit of work; run with {@code -prof gc} for bytes allocated per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class HotPathBenchmark {

	private static final String SITE = "HotPathBenchmark";

	private HikariDataSource plain;

	private HikariDataSource primary;

	private HikariDataSource replica1;

	private HikariDataSource replica2;

	private DataSource rwsplit;

	private DataSource rwsplitSticky;

	private DataSource springReadOnly;

	private com.baomidou.dynamic.datasource.DynamicRoutingDataSource dynamic;

	private DataSource rwsplitFastest;

	@Setup(Level.Trial)
	public void setUp() {
		this.plain = pool("plain", true);
		this.primary = pool("primary", false);
		this.replica1 = pool("replica-1", true);
		this.replica2 = pool("replica-2", true);
		List<ReplicaNode> replicas = List.of(
				new ReplicaNode("replica-1", "default", 1, this.replica1,
						() -> this.replica1.getHikariPoolMXBean().getActiveConnections()),
				new ReplicaNode("replica-2", "default", 1, this.replica2,
						() -> this.replica2.getHikariPoolMXBean().getActiveConnections()));
		ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary", this.primary, replicas,
				new RoutingTopology("primary", "default", replicas), new RoundRobinReplicaSelector());
		this.rwsplit = new RwsplitDataSource(router, () -> {
		});
		ReadWriteRoutingDataSource sticky = new ReadWriteRoutingDataSource("primary", this.primary, replicas,
				new RoutingTopology("primary", "default", replicas), new RoundRobinReplicaSelector());
		sticky.setStickyReplicas(true);
		this.rwsplitSticky = new RwsplitDataSource(sticky, () -> {
		});
		List<ReplicaNode> timed = List.of(timed("replica-1", this.replica1, 500_000), timed("replica-2", this.replica2, 700_000));
		ReadWriteRoutingDataSource fastest = new ReadWriteRoutingDataSource("primary", this.primary, timed,
				new RoutingTopology("primary", "default", timed), new FastestResponseReplicaSelector());
		this.rwsplitFastest = new RwsplitDataSource(fastest, () -> {
		});
		// Spring's own: the lazy proxy over the primary, with a read-only DataSource for read-only connections.
		org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy spring = new org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy(
				this.primary);
		spring.setReadOnlyDataSource(this.replica1);
		this.springReadOnly = spring;
		// dynamic-datasource: a master and a "slave" group of two, chosen by the context holder (what @DS does).
		this.dynamic = new com.baomidou.dynamic.datasource.DynamicRoutingDataSource(List.of());
		this.dynamic.setPrimary("master");
		this.dynamic.setStrict(true);
		this.dynamic.addDataSource("master", this.primary);
		this.dynamic.addDataSource("slave_1", this.replica1);
		this.dynamic.addDataSource("slave_2", this.replica2);
	}

	/** A replica whose response-time average is preset and stays current for the whole run. */
	private static ReplicaNode timed(String name, HikariDataSource pool, long averageNanos) {
		ResponseTime responseTime = ResponseTime.create(Duration.ofHours(1));
		responseTime.record(averageNanos, System.nanoTime());
		return new ReplicaNode(name, "default", 1, pool, () -> pool.getHikariPoolMXBean().getActiveConnections(),
				responseTime);
	}

	private static HikariDataSource pool(String name, boolean readOnly) {
		HikariConfig config = new HikariConfig();
		config.setPoolName("stub-" + name);
		config.setDataSource(new StubDataSource(name));
		config.setMaximumPoolSize(8);
		config.setMinimumIdle(8);
		config.setReadOnly(readOnly);
		return new HikariDataSource(config);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.plain.close();
		this.primary.close();
		this.replica1.close();
		this.replica2.close();
	}

	@Benchmark
	public String hikariAlone() throws SQLException {
		return touch(this.plain);
	}

	@Benchmark
	public String rwsplitToPrimary() throws SQLException {
		return touch(this.rwsplit);
	}

	@Benchmark
	public String rwsplitReplicaScope() throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, SITE)) {
			return touch(this.rwsplit);
		}
	}

	/** A replica read of a session that sticks to its replica (after the first, every read is a hit). */
	@Benchmark
	public String rwsplitReplicaScopeSticky() throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, SITE)) {
			return touch(this.rwsplitSticky);
		}
	}

	/** A replica read chosen by fastest response (the stub driver feeds no samples; averages are preset). */
	@Benchmark
	public String rwsplitReplicaScopeFastestResponse() throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, SITE)) {
			return touch(this.rwsplitFastest);
		}
	}

	/** Spring's {@code setReadOnlyDataSource}: a read-only connection (what a read-only transaction sets). */
	@Benchmark
	public String springReadOnlyDataSource() throws SQLException {
		try (Connection connection = this.springReadOnly.getConnection()) {
			connection.setReadOnly(true);
			return connection.getSchema();
		}
	}

	/** dynamic-datasource: the "slave" group, as {@code @DS("slave")} selects it. */
	@Benchmark
	public String dynamicDataSourceSlaveGroup() throws SQLException {
		com.baomidou.dynamic.datasource.toolkit.DynamicDataSourceContextHolder.push("slave");
		try {
			return touch(this.dynamic);
		}
		finally {
			com.baomidou.dynamic.datasource.toolkit.DynamicDataSourceContextHolder.poll();
		}
	}

	/** Checks out, makes one call that needs the real connection (so the lazy proxy routes), closes. */
	private static String touch(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getSchema();
		}
	}

}
