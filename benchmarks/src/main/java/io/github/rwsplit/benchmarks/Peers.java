package io.github.rwsplit.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import javax.sql.DataSource;

import com.baomidou.dynamic.datasource.toolkit.DynamicDataSourceContextHolder;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RouterView;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;

/**
 * The contenders, each set up against one cluster the way its own documentation sets up
 * read/write splitting for MySQL, with the same pool size (8 connections per node, HikariCP where
 * the contender lets the application choose the pool) and otherwise its defaults. What differs
 * from a contender's defaults is listed in {@code docs/benchmarks.md}.
 */
final class Peers {

	static final int POOL_SIZE = 8;

	private Peers() {
	}

	/** Every contender, the floor first. */
	static List<Contender> all(MySqlReplicationCluster cluster) throws Exception {
		List<Contender> contenders = new ArrayList<>();
		contenders.add(plain(cluster));
		contenders.add(rwsplit(cluster, "gtid"));
		contenders.add(springReadOnlyDataSource(cluster));
		contenders.add(shardingSphere(cluster));
		contenders.add(dynamicDataSource(cluster));
		contenders.add(connectorJReplication(cluster));
		contenders.add(awsWrapper(cluster));
		return contenders;
	}

	static HikariDataSource pool(String name, String url, MySqlReplicationCluster cluster, boolean readOnly) {
		HikariConfig config = new HikariConfig();
		config.setPoolName(name);
		config.setJdbcUrl(url);
		config.setUsername(cluster.appUser().username());
		config.setPassword(cluster.appUser().password());
		config.setMaximumPoolSize(POOL_SIZE);
		config.setMinimumIdle(POOL_SIZE);
		config.setReadOnly(readOnly);
		return new HikariDataSource(config);
	}

	/** Host, port and query of a node's URL, to build other drivers' URLs. */
	private static String hostAndPort(ClusterNode node) {
		String url = node.jdbcUrl();
		String rest = url.substring(url.indexOf("//") + 2);
		return rest.substring(0, rest.indexOf('/'));
	}

	private static String schemaAndQuery(ClusterNode node) {
		String url = node.jdbcUrl();
		String rest = url.substring(url.indexOf("//") + 2);
		return rest.substring(rest.indexOf('/'));
	}

	/**
	 * The floor: HikariCP straight to the nodes, no routing. Reads go to the last replica's pool,
	 * writes to the primary's.
	 */
	static Contender plain(MySqlReplicationCluster cluster) {
		HikariDataSource primary = pool("plain-primary", cluster.primary().jdbcUrl(), cluster, false);
		List<ClusterNode> replicas = cluster.replicas();
		ClusterNode replica = replicas.get(replicas.size() - 1);
		HikariDataSource replicaPool = pool("plain-" + replica.name(), replica.jdbcUrl(), cluster, true);
		TransactionTemplate readOnly = new TransactionTemplate(new DataSourceTransactionManager(replicaPool));
		readOnly.setReadOnly(true);
		TransactionTemplate readWrite = new TransactionTemplate(new DataSourceTransactionManager(primary));
		JdbcTemplate reads = new JdbcTemplate(replicaPool);
		JdbcTemplate writes = new JdbcTemplate(primary);
		return new Contender("plain HikariCP") {
			@Override
			<T> T read(Function<JdbcTemplate, T> work) {
				return readOnly.execute((status) -> work.apply(reads));
			}

			@Override
			<T> T write(Function<JdbcTemplate, T> work) {
				return readWrite.execute((status) -> work.apply(writes));
			}

			@Override
			public void close() {
				primary.close();
				replicaPool.close();
			}
		};
	}

	/** rwsplit, auto-configured, with a consistency mode. */
	static Contender rwsplit(MySqlReplicationCluster cluster, String consistency, String... settings) {
		Map<String, Object> properties = new LinkedHashMap<>(RwsplitClusterProperties.of(cluster));
		properties.put("rwsplit.consistency.mode", consistency);
		for (String setting : settings) {
			int equals = setting.indexOf('=');
			properties.put(setting.substring(0, equals), setting.substring(equals + 1));
		}
		properties.put("rwsplit.pool.maximum-pool-size", String.valueOf(POOL_SIZE));
		properties.put("rwsplit.pool.minimum-idle", String.valueOf(POOL_SIZE));
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(
				RoutingOverheadBenchmark.BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		return new RwsplitContender("rwsplit (" + consistency + ")", context);
	}

	/**
	 * rwsplit, and where its connections went: per node and reason, and how long reads spent in
	 * read-your-writes waits (its wait recorder replaces the metrics' one).
	 */
	static final class RwsplitContender extends Contender.TransactionRouted {

		private final RouterView view;

		private final LongAdder waitNanos = new LongAdder();

		private final ConcurrentLinkedQueue<Long> waits = new ConcurrentLinkedQueue<>();

		private final Map<String, Long> before = new LinkedHashMap<>();

		RwsplitContender(String name, ConfigurableApplicationContext context) {
			super(name, context.getBean(DataSource.class), context.getBean(PlatformTransactionManager.class), context);
			ReadWriteRoutingDataSource router = context.getBean(RwsplitDataSource.class).getRouter();
			this.view = router.view();
			router.setConsistencyWaitRecorder((nanos, caughtUp) -> {
				this.waitNanos.add(nanos);
				this.waits.add(nanos);
			});
		}

		@Override
		String routesSinceLastAsked() {
			Map<String, Long> now = new LinkedHashMap<>();
			List<String> nodes = new ArrayList<>();
			nodes.add(this.view.primary());
			this.view.replicas().forEach((replica) -> nodes.add(replica.name()));
			for (String node : nodes) {
				this.view.routeCounts().routes(node).forEach((reason, count) -> now.put(node + " " + reason, count));
			}
			ConsistencyTracker tracker = this.view.consistencyTracker();
			now.put("waited", tracker.waited.sum());
			now.put("wait timed out", tracker.waitTimedOut.sum());
			now.put("ms waiting", this.waitNanos.sum() / 1_000_000);
			StringBuilder line = new StringBuilder();
			now.forEach((key, count) -> {
				long delta = count - this.before.getOrDefault(key, 0L);
				if (delta > 0) {
					line.append(line.isEmpty() ? "" : ", ").append(key).append(' ').append(delta);
				}
			});
			this.before.clear();
			this.before.putAll(now);
			long[] waited = this.waits.stream().mapToLong(Long::longValue).toArray();
			this.waits.clear();
			if (waited.length > 0) {
				line.append(", wait ").append(ServerCounters.percentilesMillis(waited));
			}
			return line.toString();
		}

	}

	/**
	 * Spring's own: {@code LazyConnectionDataSourceProxy} over the primary with
	 * {@code setReadOnlyDataSource} (Spring 6.2+). It takes one read-only DataSource; over two
	 * replicas that is a pool on Connector/J's load-balancing URL.
	 */
	static Contender springReadOnlyDataSource(MySqlReplicationCluster cluster) {
		HikariDataSource primary = pool("spring-primary", cluster.primary().jdbcUrl(), cluster, false);
		StringBuilder hosts = new StringBuilder();
		for (ClusterNode replica : cluster.replicas()) {
			hosts.append(hosts.isEmpty() ? "" : ",").append(hostAndPort(replica));
		}
		HikariDataSource replicas = pool("spring-replicas",
				"jdbc:mysql:loadbalance://" + hosts + schemaAndQuery(cluster.primary()), cluster, true);
		LazyConnectionDataSourceProxy proxy = new LazyConnectionDataSourceProxy(primary);
		proxy.setReadOnlyDataSource(replicas);
		return new Contender.TransactionRouted("Spring setReadOnlyDataSource", proxy, () -> {
			primary.close();
			replicas.close();
		});
	}

	/** ShardingSphere-JDBC 5.5.2, readwrite-splitting rule over HikariCP pools, round robin, standalone mode. */
	static Contender shardingSphere(MySqlReplicationCluster cluster) throws Exception {
		StringBuilder yaml = new StringBuilder("databaseName: rwsplit_bench\nmode:\n  type: Standalone\n  repository:\n"
				+ "    type: JDBC\ndataSources:\n");
		List<String> readNames = new ArrayList<>();
		for (ClusterNode node : cluster.nodes()) {
			String name = node.name().replace('-', '_');
			yaml.append("  ").append(name).append(":\n")
				.append("    dataSourceClassName: com.zaxxer.hikari.HikariDataSource\n")
				.append("    driverClassName: com.mysql.cj.jdbc.Driver\n")
				.append("    jdbcUrl: ").append(node.jdbcUrl()).append('\n')
				.append("    username: ").append(cluster.appUser().username()).append('\n')
				.append("    password: ").append(cluster.appUser().password()).append('\n')
				.append("    maximumPoolSize: ").append(POOL_SIZE).append('\n')
				.append("    minimumIdle: ").append(POOL_SIZE).append('\n');
			if (!node.name().equals("primary")) {
				readNames.add(name);
			}
		}
		yaml.append("rules:\n- !READWRITE_SPLITTING\n  dataSourceGroups:\n    readwrite_ds:\n")
			.append("      writeDataSourceName: primary\n")
			.append("      readDataSourceNames: [").append(String.join(", ", readNames)).append("]\n")
			.append("      loadBalancerName: round_robin\n")
			.append("  loadBalancers:\n    round_robin:\n      type: ROUND_ROBIN\n")
			// Since 5.4, tables outside sharding rules are loaded only when the SINGLE rule names them.
			.append("- !SINGLE\n  tables:\n    - \"*.*\"\n")
			.append("props:\n  sql-show: false\n");
		DataSource dataSource = YamlShardingSphereDataSourceFactory
			.createDataSource(yaml.toString().getBytes(StandardCharsets.UTF_8));
		return new Contender.TransactionRouted("ShardingSphere-JDBC 5.5.2", dataSource,
				() -> ((AutoCloseable) dataSource).close());
	}

	/**
	 * dynamic-datasource 4.5.0 through its Spring Boot 4 starter: a {@code master} and a
	 * {@code slave} group of the replicas; reads marked {@code @DS("slave")} (here its programmatic
	 * form, which is what the annotation's interceptor does).
	 */
	static Contender dynamicDataSource(MySqlReplicationCluster cluster) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("rwsplit.enabled", "false");
		properties.put("spring.datasource.dynamic.primary", "master");
		properties.put("spring.datasource.dynamic.strict", "true");
		add(properties, "master", cluster.primary(), cluster);
		for (ClusterNode replica : cluster.replicas()) {
			add(properties, "slave_" + replica.name().substring(replica.name().lastIndexOf('-') + 1), replica, cluster);
		}
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(
				RoutingOverheadBenchmark.DynamicApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		DataSource dataSource = context.getBean(DataSource.class);
		Contender routed = new Contender.TransactionRouted("dynamic-datasource 4.5.0", dataSource,
				context.getBean(PlatformTransactionManager.class), context);
		return new Contender(routed.name()) {
			@Override
			<T> T read(Function<JdbcTemplate, T> work) {
				DynamicDataSourceContextHolder.push("slave");
				try {
					return routed.read(work);
				}
				finally {
					DynamicDataSourceContextHolder.poll();
				}
			}

			@Override
			<T> T write(Function<JdbcTemplate, T> work) {
				return routed.write(work);
			}

			@Override
			public void close() throws Exception {
				routed.close();
			}
		};
	}

	private static void add(Map<String, Object> properties, String name, ClusterNode node,
			MySqlReplicationCluster cluster) {
		String prefix = "spring.datasource.dynamic.datasource." + name + ".";
		properties.put(prefix + "url", node.jdbcUrl());
		properties.put(prefix + "username", cluster.appUser().username());
		properties.put(prefix + "password", cluster.appUser().password());
		properties.put(prefix + "driver-class-name", "com.mysql.cj.jdbc.Driver");
		properties.put(prefix + "hikari.maximum-pool-size", String.valueOf(POOL_SIZE));
		properties.put(prefix + "hikari.min-idle", String.valueOf(POOL_SIZE));
	}

	/** Connector/J's replication URL: read-only connections ({@code setReadOnly(true)}) go to a replica. */
	static Contender connectorJReplication(MySqlReplicationCluster cluster) {
		StringBuilder hosts = new StringBuilder(hostAndPort(cluster.primary()));
		for (ClusterNode replica : cluster.replicas()) {
			hosts.append(',').append(hostAndPort(replica));
		}
		HikariDataSource pool = pool("connectorj-replication",
				"jdbc:mysql:replication://" + hosts + schemaAndQuery(cluster.primary()), cluster, false);
		return new Contender.TransactionRouted("Connector/J replication URL", pool, pool);
	}

	/**
	 * AWS Advanced JDBC Wrapper 4.3.0 with its read/write splitting plugin. On plain MySQL there is
	 * no Aurora topology to discover: the hosts come from the connection string, the first being the
	 * only writer ({@code singleWriterConnectionString}); readers are chosen round robin.
	 */
	static Contender awsWrapper(MySqlReplicationCluster cluster) {
		StringBuilder hosts = new StringBuilder(hostAndPort(cluster.primary()));
		for (ClusterNode replica : cluster.replicas()) {
			hosts.append(',').append(hostAndPort(replica));
		}
		String query = schemaAndQuery(cluster.primary());
		String url = "jdbc:aws-wrapper:mysql://" + hosts + query + (query.contains("?") ? "&" : "?")
				+ "wrapperPlugins=readWriteSplitting&wrapperDialect=mysql&singleWriterConnectionString=true"
				+ "&readerHostSelectorStrategy=roundRobin";
		HikariConfig config = new HikariConfig();
		config.setPoolName("aws-wrapper");
		config.setDriverClassName("software.amazon.jdbc.Driver");
		config.setJdbcUrl(url);
		config.setUsername(cluster.appUser().username());
		config.setPassword(cluster.appUser().password());
		config.setMaximumPoolSize(POOL_SIZE);
		config.setMinimumIdle(POOL_SIZE);
		HikariDataSource pool = new HikariDataSource(config);
		return new Contender.TransactionRouted("AWS JDBC Wrapper 4.3.0", pool, pool);
	}

}
