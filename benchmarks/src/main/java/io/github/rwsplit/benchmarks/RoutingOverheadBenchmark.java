package io.github.rwsplit.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
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

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import io.github.rwsplit.routing.Route;
import io.github.rwsplit.routing.RoutingContext;
import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.ClusterSpec;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;

/**
 * What routing costs: check out a connection, run {@code SELECT 1}, close it — through rwsplit's
 * auto-configured DataSource inside a replica scope (what {@code @ReadReplica} opens), and through
 * a plain HikariCP pool configured the same way to the same replica. Both run in the same JMH
 * run, so their ratio is what to read; absolute figures depend on the machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class RoutingOverheadBenchmark {

	private static final String SITE = "RoutingOverheadBenchmark";

	private MySqlReplicationCluster cluster;

	private ConfigurableApplicationContext context;

	private DataSource rwsplit;

	private HikariDataSource plain;

	@Setup(Level.Trial)
	public void startCluster() {
		this.cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(1).build());
		ClusterNode replica = this.cluster.node("replica-1");
		Map<String, Object> properties = new LinkedHashMap<>(RwsplitClusterProperties.of(this.cluster));
		properties.put("rwsplit.pool.maximum-pool-size", "8");
		properties.put("rwsplit.pool.minimum-idle", "8");
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		this.context = new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		this.rwsplit = this.context.getBean(DataSource.class);
		HikariConfig config = new HikariConfig();
		config.setPoolName("plain-replica-1");
		config.setJdbcUrl(replica.jdbcUrl());
		config.setUsername(this.cluster.appUser().username());
		config.setPassword(this.cluster.appUser().password());
		config.setMaximumPoolSize(8);
		config.setMinimumIdle(8);
		config.setReadOnly(true);
		this.plain = new HikariDataSource(config);
	}

	@TearDown(Level.Trial)
	public void stopCluster() {
		this.plain.close();
		this.context.close();
		this.cluster.close();
	}

	@Benchmark
	public int plainHikari() throws SQLException {
		return selectOne(this.plain);
	}

	@Benchmark
	public int rwsplitReplica() throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, SITE)) {
			return selectOne(this.rwsplit);
		}
	}

	private static int selectOne(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT 1")) {
			rs.next();
			return rs.getInt(1);
		}
	}

	/**
	 * rwsplit's application. dynamic-datasource's starter is on the benchmarks' class path for its
	 * own contender; it stays out of rwsplit's applications.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(excludeName = {
			"com.baomidou.dynamic.datasource.spring.boot.autoconfigure.DynamicDataSourceAutoConfiguration",
			"com.baomidou.dynamic.datasource.spring.boot.autoconfigure.DynamicDataSourcePoolMetricsAutoConfiguration" })
	static class BenchmarkApplication {

	}

	/** dynamic-datasource's application: its starter, and rwsplit off. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class DynamicApplication {

	}

}
