package io.github.rwsplit.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.rwsplit.testcluster.ClusterSpec;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;

/**
 * Throughput of autocommit reads against plain HikariCP to the primary: check out a connection,
 * run a prepared primary-key {@code SELECT}, close it, with no transaction and no annotation, one
 * thread. Plain HikariCP runs it on the primary; rwsplit with
 * {@code rwsplit.routing.autocommit-reads=replica} classifies it and runs it on the replica; rwsplit
 * in its default mode runs it on the primary (so the difference between the two rwsplit figures is
 * what classifying and the statement-routed connection cost). Contenders run one at a time,
 * interleaved. Run with {@code benchmarks/autocommit-reads.sh [rounds]}.
 */
public final class AutocommitReadsHarness {

	private static final String QUERY = "SELECT v FROM bench_rows WHERE id = ?";

	private AutocommitReadsHarness() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 9;
		try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start(ClusterSpec.builder().replicas(1).build())) {
			cluster.executeOnPrimaryAndAwaitReplicas(
					"CREATE TABLE bench_rows (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)",
					"INSERT INTO bench_rows VALUES (1, 'one'), (2, 'two'), (3, 'three')");
			try (ConfigurableApplicationContext statementRouted = application(cluster, "replica");
					ConfigurableApplicationContext primaryOnly = application(cluster, "primary");
					HikariDataSource plain = plainPrimary(cluster)) {
				DataSource routed = statementRouted.getBean(DataSource.class);
				DataSource primary = primaryOnly.getBean(DataSource.class);
				Map<String, Interleaved.Sample[]> results = new Interleaved().add("plain HikariCP → primary", () -> select(plain))
					.add("rwsplit autocommit-reads=replica → replica", () -> select(routed))
					.add("rwsplit default → primary", () -> select(primary))
					.runConcurrent(1, 5_000, rounds, 3_000);
				System.out.printf("%nAutocommit reads, 1 thread, %d interleaved rounds of 3 s each:%n%n", rounds);
				Interleaved.print(Interleaved.throughputs(results));
			}
		}
	}

	private static ConfigurableApplicationContext application(MySqlReplicationCluster cluster, String autocommitReads) {
		Map<String, Object> properties = new LinkedHashMap<>(RwsplitClusterProperties.of(cluster));
		properties.put("rwsplit.routing.autocommit-reads", autocommitReads);
		properties.put("rwsplit.pool.maximum-pool-size", "8");
		properties.put("rwsplit.pool.minimum-idle", "8");
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		return new SpringApplicationBuilder(RoutingOverheadBenchmark.BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
	}

	private static HikariDataSource plainPrimary(MySqlReplicationCluster cluster) {
		HikariConfig config = new HikariConfig();
		config.setPoolName("plain-primary");
		config.setJdbcUrl(cluster.primary().jdbcUrl());
		config.setUsername(cluster.appUser().username());
		config.setPassword(cluster.appUser().password());
		config.setMaximumPoolSize(8);
		config.setMinimumIdle(8);
		return new HikariDataSource(config);
	}

	private static String select(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(QUERY)) {
			statement.setInt(1, 2);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getString(1);
			}
		}
	}

}
