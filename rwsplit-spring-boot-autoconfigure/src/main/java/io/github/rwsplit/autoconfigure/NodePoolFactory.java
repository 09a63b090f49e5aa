package io.github.rwsplit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.mysql.GtidCaptureInterceptor;
import io.github.rwsplit.gtid.WaitPermits;
import io.github.rwsplit.routing.ConnectionFailureSignals;
import io.github.rwsplit.mysql.ReadOnlyRouteExceptionInterceptor;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaFallback;
import io.github.rwsplit.monitor.MemberDiscovery;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;
import io.github.rwsplit.routing.ResponseTime;
import io.github.rwsplit.mysql.ResponseTimeInterceptor;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.mysql.SlowStatementLog;
import io.github.rwsplit.statement.SqlClassifier;

/**
 * Builds one HikariCP pool per node from {@link RwsplitProperties} and assembles the routing
 * DataSource around them.
 *
 * <p>Pools are named {@code rwsplit-<node>}. Replica pools hand out read-only connections. Every
 * pool carries {@link ReadOnlyRouteExceptionInterceptor} with its role, so that a failure on it is
 * read for what it means on that role. Every pool starts even when its server is down
 * ({@code initialization-fail-timeout} defaults to -1 here), so that one unreachable replica does
 * not stop the application.
 *
 * <p>With {@code rwsplit.topology.follow-primary} (the default) each node also gets a pool for the
 * role it may take later: {@code rwsplit-<replica>-as-primary}, configured as the primary's pool but
 * connecting to that replica with its own login, and {@code rwsplit-primary-as-replica}, configured
 * as a replica pool but connecting to the configured primary. They are lazy: they open no
 * connection until the node takes the role and work is routed there. They close with the others.
 */
final class NodePoolFactory {

	private static final org.apache.commons.logging.Log logger = org.apache.commons.logging.LogFactory
		.getLog(NodePoolFactory.class);

	private NodePoolFactory() {
	}

	/** Replica pools give up on a checkout sooner than HikariCP's 30 s: another replica can serve the read. */
	static final long REPLICA_CONNECTION_TIMEOUT_MILLIS = 2000;

	static RwsplitDataSource create(RwsplitProperties properties, ReplicaSelector selector) {
		RwsplitPropertiesValidator.validate(properties);
		RwsplitPropertiesValidator.validateFallback(properties.getFallback());
		RwsplitPropertiesValidator.validateBalancing(properties);
		RwsplitPropertiesValidator.validateRouting(properties.getRouting());
		RwsplitPropertiesValidator.validateTopology(properties.getTopology());
		validateIsolation(properties);
		List<HikariDataSource> pools = new ArrayList<>();
		String routerId = java.util.UUID.randomUUID().toString();
		try {
			HikariDataSource primary = pool(properties, RwsplitPropertiesValidator.PRIMARY_NAME, properties.getPrimary(),
					false, routerId);
			pools.add(primary);
			List<ReplicaNode> replicas = new ArrayList<>();
			Map<String, Integer> maxWaits = new LinkedHashMap<>();
			properties.getReplicas().forEach((name, replica) -> {
				HikariDataSource pool = pool(properties, name, replica, true, routerId);
				pools.add(pool);
				maxWaits.put(name, maxWaitsPerReplica(properties, pool));
				replicas.add(readerNode(properties, routerId, name, RwsplitPropertiesValidator.groupOf(properties, replica),
						replica.getWeight(), pool));
			});
			RolePools roles = properties.getTopology().isFollowPrimary() ? rolePools(properties, routerId, pools)
					: RolePools.NONE;
			roles.readers().forEach((name, reader) -> maxWaits.put(name,
					maxWaitsPerReplica(properties, (HikariDataSource) reader.dataSource())));
			RoutingTopology topology = new RoutingTopology(RwsplitPropertiesValidator.PRIMARY_NAME,
					properties.getDefaultGroup(), replicas);
			ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource(routerId,
					RwsplitPropertiesValidator.PRIMARY_NAME, primary, replicas, topology, selector,
					new WaitPermits(maxWaits, WaitPermits.DEFAULT_MAX_PER_NODE));
			RwsplitProperties.Fallback fallback = properties.getFallback();
			int maxPrimaryReads = (fallback.getMaxPrimaryReads() != null) ? fallback.getMaxPrimaryReads()
					: Math.max(1, primary.getMaximumPoolSize() / 2);
			router.setFallback(new ReplicaFallback(fallback.getPolicy(), fallback.getWaitTimeout(), maxPrimaryReads));
			router.setCheckoutRetries(fallback.getCheckoutRetries());
			router.setConsistency(ConsistencyModeResolver.settings(properties));
			RwsplitProperties.Routing routing = properties.getRouting();
			// The configured mode is turned on once the context is refreshed (AutocommitReadsActivator).
			router.setAutocommitReads(io.github.rwsplit.routing.Route.PRIMARY,
					new SqlClassifier(routing.getReadOnlyFunctions(), routing.getStatementCacheSize()));
			router.setStickyReplicas(properties.getBalancing().isStickyReplicas());
			router.setRetryReads(routing.isRetryReads());
			router.setSlowStart(properties.getBalancing().getSlowStart());
			router.setAwaitPrimaryTimeout(properties.getTopology().getAwaitPrimaryTimeout());
			if (properties.getTopology().isFollowPrimary()) {
				router.setRolePools(roles.writers(), roles.readers());
			}
			return new RwsplitDataSource(router, () -> pools.forEach(HikariDataSource::close),
					isolationLevel(primary.getTransactionIsolation()));
		}
		catch (RuntimeException ex) {
			pools.forEach(HikariDataSource::close);
			throw ex;
		}
	}

	/**
	 * The most waits rwsplit runs at once on a replica. Each holds one of the pool's connections
	 * for up to its timeout; half the pool leaves the other half to the reads the pool exists for,
	 * even while a replica that fell behind makes every wait last its whole timeout.
	 */
	static int maxWaitsPerReplica(RwsplitProperties properties, HikariDataSource pool) {
		Integer configured = properties.getConsistency().getMaxWaitsPerReplica();
		return (configured != null) ? configured : Math.max(1, pool.getMaximumPoolSize() / 2);
	}

	/**
	 * The pools each node needs for the role it may take when the primary moves: a writer pool on
	 * every configured replica and a reader entry for the configured primary. None when there is no
	 * replica, since the primary then has nowhere to move. Each is added to {@code pools}, which the
	 * DataSource closes.
	 */
	private static RolePools rolePools(RwsplitProperties properties, String routerId, List<HikariDataSource> pools) {
		if (properties.getReplicas().isEmpty()) {
			return RolePools.NONE;
		}
		Map<String, DataSource> writers = new LinkedHashMap<>();
		properties.getReplicas().forEach((name, replica) -> {
			HikariDataSource writer = lazyPool(writerConfig(properties, name, replica, routerId));
			pools.add(writer);
			writers.put(name, writer);
		});
		String primaryName = RwsplitPropertiesValidator.PRIMARY_NAME;
		HikariDataSource reader = lazyPool(readerConfig(properties, routerId));
		pools.add(reader);
		ReplicaNode readerNode = readerNode(properties, routerId, primaryName, properties.getDefaultGroup(), 1, reader);
		return new RolePools(writers, Map.of(primaryName, readerNode));
	}

	/**
	 * A replica's pool for when it is the primary: the primary's pool settings (shared, then
	 * {@code rwsplit.primary.pool}) and everything the primary's pool carries, with the replica's URL
	 * and login. The replica's own {@code pool.*} settings are for its reads and do not apply; driver
	 * settings that belong to the server rather than the role go in its URL.
	 */
	private static HikariConfig writerConfig(RwsplitProperties properties, String name, RwsplitProperties.Replica replica,
			String routerId) {
		NodeCredentials credentials = NodeCredentials.of(properties, name, replica);
		HikariConfig config = config(properties, name, replica.getUrl(), credentials, false,
				properties.getPrimary().getPool(), routerId);
		config.setPoolName("rwsplit-" + name + "-as-primary");
		return config;
	}

	/**
	 * The configured primary's pool for when it serves reads as a replica: a replica pool of the
	 * shared settings ({@code rwsplit.primary.pool} sizes its pool for writes) with the primary's URL
	 * and login, and the isolation level every node shares.
	 */
	private static HikariConfig readerConfig(RwsplitProperties properties, String routerId) {
		String name = RwsplitPropertiesValidator.PRIMARY_NAME;
		RwsplitProperties.Node primary = properties.getPrimary();
		NodeCredentials credentials = NodeCredentials.of(properties, name, primary);
		HikariConfig config = config(properties, name, primary.getUrl(), credentials, true, null, routerId);
		config.setPoolName("rwsplit-" + name + "-as-replica");
		set(effective(properties.getPool().getTransactionIsolation(), primary.getPool().getTransactionIsolation()),
				config::setTransactionIsolation);
		return config;
	}

	/**
	 * A pool that opens no connection until its first checkout, so that a role a node never takes
	 * costs nothing. Its settings are checked now, as an eager pool's would be, rather than at the
	 * first failover.
	 */
	private static HikariDataSource lazyPool(HikariConfig config) {
		config.validate();
		HikariDataSource pool = new HikariDataSource();
		config.copyStateTo(pool);
		return pool;
	}

	/**
	 * Turns each Group Replication member the monitor finds and no configuration names into a node:
	 * named {@code <host>-<port>}, reached through {@code rwsplit.topology.member-url-template} with the
	 * shared login, with a reader pool like a replica's and a lazy writer pool like the primary's, in
	 * the default group. The router owns the pools from then on.
	 * @return the discovery, or {@code null} when no template is set
	 */
	static @Nullable MemberDiscovery memberDiscovery(RwsplitProperties properties, ReadWriteRoutingDataSource router,
			java.util.function.BiFunction<String, RwsplitProperties.Node, ReplicaLagMonitor.Endpoint> endpoints) {
		String template = properties.getTopology().getMemberUrlTemplate();
		if (template == null) {
			return null;
		}
		String routerId = router.getId();
		return (host, port) -> {
			String name = host + "-" + port;
			RwsplitProperties.Replica member = new RwsplitProperties.Replica();
			member.setUrl(template.replace("{host}", host).replace("{port}", Integer.toString(port)));
			HikariDataSource reader = lazyPool(config(properties, name, member, true, routerId));
			HikariDataSource writer = lazyPool(writerConfig(properties, name, member, routerId));
			try {
				router.addDiscoveredNode(readerNode(properties, routerId, name, properties.getDefaultGroup(), 1, reader),
						writer);
			}
			catch (RuntimeException ex) {
				reader.close();
				writer.close();
				throw ex;
			}
			return endpoints.apply(name, member);
		};
	}

	/**
	 * The pools for roles a node may take later.
	 * @param writers writer pools by replica name
	 * @param readers reader entries of nodes that are not configured replicas, by name
	 */
	private record RolePools(Map<String, DataSource> writers, Map<String, ReplicaNode> readers) {

		static final RolePools NONE = new RolePools(Map.of(), Map.of());

	}

	/**
	 * The JDBC constant for a HikariCP isolation setting ({@code TRANSACTION_READ_COMMITTED} or a
	 * number); MySQL's default, repeatable read, when unset.
	 */
	static int isolationLevel(String setting) {
		if (setting == null || setting.isBlank()) {
			return java.sql.Connection.TRANSACTION_REPEATABLE_READ;
		}
		return switch (setting.trim().toUpperCase(java.util.Locale.ROOT)) {
			case "TRANSACTION_NONE", "0" -> java.sql.Connection.TRANSACTION_NONE;
			case "TRANSACTION_READ_UNCOMMITTED", "1" -> java.sql.Connection.TRANSACTION_READ_UNCOMMITTED;
			case "TRANSACTION_READ_COMMITTED", "2" -> java.sql.Connection.TRANSACTION_READ_COMMITTED;
			case "TRANSACTION_REPEATABLE_READ", "4" -> java.sql.Connection.TRANSACTION_REPEATABLE_READ;
			case "TRANSACTION_SERIALIZABLE", "8" -> java.sql.Connection.TRANSACTION_SERIALIZABLE;
			default -> throw new RwsplitConfigurationException("rwsplit.pool.transaction-isolation",
					"'" + setting + "' is not an isolation level",
					"Use TRANSACTION_READ_UNCOMMITTED, TRANSACTION_READ_COMMITTED, TRANSACTION_REPEATABLE_READ or "
							+ "TRANSACTION_SERIALIZABLE.");
		};
	}

	/** A node's entry for reads: its pool, with its response times kept under the router's id. */
	private static ReplicaNode readerNode(RwsplitProperties properties, String routerId, String name, String group,
			int weight, HikariDataSource pool) {
		ResponseTime responseTime = ResponseTime.of(routerId, name);
		responseTime.setWindow(properties.getBalancing().getResponseTimeWindow());
		return new ReplicaNode(name, group, weight, pool, () -> activeConnections(pool), responseTime);
	}

	private static int activeConnections(HikariDataSource pool) {
		var bean = pool.getHikariPoolMXBean();
		return (bean != null) ? bean.getActiveConnections() : 0;
	}

	/**
	 * Every node must start its connections at one isolation level: a transaction's isolation is
	 * applied by comparing it with that one level, before the node is known.
	 */
	private static void validateIsolation(RwsplitProperties properties) {
		String shared = properties.getPool().getTransactionIsolation();
		int primary = isolationLevel(effective(shared, properties.getPrimary().getPool().getTransactionIsolation()));
		properties.getReplicas().forEach((name, replica) -> {
			String own = replica.getPool().getTransactionIsolation();
			if (isolationLevel(effective(shared, own)) != primary) {
				throw new RwsplitConfigurationException("rwsplit.replicas." + name + ".pool.transaction-isolation",
						"'" + own + "' differs from the primary's isolation level",
						"Set transaction-isolation once, under rwsplit.pool, for every node.");
			}
		});
	}

	private static String effective(String shared, String own) {
		return (own != null) ? own : shared;
	}

	static HikariConfig config(RwsplitProperties properties, String name, RwsplitProperties.Node node, boolean replica,
			String routerId) {
		NodeCredentials credentials = NodeCredentials.of(properties, name, node);
		// Once per node: its role pools use the same login.
		credentials.disagreements().forEach((disagreement) -> logger.warn("rwsplit: " + disagreement));
		return config(properties, name, node.getUrl(), credentials, replica, node.getPool(), routerId);
	}

	/**
	 * A pool's settings.
	 * @param name the node it connects to
	 * @param url that node's URL
	 * @param credentials that node's login
	 * @param replica whether the pool serves reads only
	 * @param rolePool the pool settings over the shared ones, or {@code null} for the shared ones only
	 * @param routerId the router its connections report failures to
	 */
	private static HikariConfig config(RwsplitProperties properties, String name, String url,
			NodeCredentials credentials, boolean replica, RwsplitProperties.@Nullable Pool rolePool, String routerId) {
		HikariConfig config = new HikariConfig();
		config.setPoolName("rwsplit-" + name);
		config.setJdbcUrl(url);
		config.setUsername(credentials.poolUser());
		config.setPassword(credentials.poolPassword());
		config.setInitializationFailTimeout(-1);
		if (replica) {
			config.setConnectionTimeout(REPLICA_CONNECTION_TIMEOUT_MILLIS);
		}
		apply(properties.getPool(), config);
		if (rolePool != null) {
			apply(rolePool, config);
		}
		if (!replica && capturesGtids(properties)) {
			// GTID read-your-writes: MySQL reports each commit's GTID in the OK packet, and the
			// interceptor passes it to the committing thread's session. No extra round trip.
			config.addDataSourceProperty("trackSessionState", "true");
			append(config, "sessionVariables", "session_track_gtids=OWN_GTID");
			append(config, "connectionLifecycleInterceptors", GtidCaptureInterceptor.class.getName());
			config.addDataSourceProperty(GtidCaptureInterceptor.ROUTER_PROPERTY, routerId);
		}
		config.addDataSourceProperty(ConnectionFailureSignals.ROUTER_PROPERTY, routerId);
		config.addDataSourceProperty(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY, name);
		config.addDataSourceProperty(ReadOnlyRouteExceptionInterceptor.ROLE_PROPERTY,
				replica ? ReadOnlyRouteExceptionInterceptor.REPLICA_ROLE : ReadOnlyRouteExceptionInterceptor.PRIMARY_ROLE);
		// On a replica a read-only refusal is a misrouted write; on the primary, a role change.
		append(config, "exceptionInterceptors", ReadOnlyRouteExceptionInterceptor.class.getName());
		if (properties.getSlowStatementThreshold() != null) {
			// Connector/J's slow query log (two clock reads per statement), reported with the node's
			// name. The node's own data-source-properties win over these.
			Properties driver = config.getDataSourceProperties();
			driver.putIfAbsent("logSlowQueries", "true");
			// autoSlowLog (on by default) would ignore the threshold for the driver's own percentile guess.
			driver.putIfAbsent("autoSlowLog", "false");
			driver.putIfAbsent("slowQueryThresholdMillis",
					Long.toString(properties.getSlowStatementThreshold().toMillis()));
			driver.putIfAbsent("profilerEventHandler", SlowStatementLog.class.getName());
		}
		if (replica) {
			config.setReadOnly(true);
			// Times statements for fastest-response balancing and the response-time metric.
			append(config, "queryInterceptors", ResponseTimeInterceptor.class.getName());
			// Read-only on the server once per connection, at connect, instead of per transaction: Spring
			// and HikariCP toggle the read-only flag around every read-only transaction, which Connector/J
			// would otherwise send as three SET SESSION TRANSACTION statements. The session stays read-only
			// on the server; the driver's own read-only check still applies while the flag is set.
			config.getDataSourceProperties().putIfAbsent("readOnlyPropagatesToServer", "false");
			append(config, "sessionVariables", "transaction_read_only=1");
		}
		return config;
	}

	/**
	 * Whether commits' GTIDs are captured: always, unless read-your-writes is off entirely and so
	 * are write barriers, because a single method may ask for GTID consistency or a barrier whatever
	 * the global mode. Tracking costs the server a few bytes in each OK packet and nothing else.
	 */
	static boolean capturesGtids(RwsplitProperties properties) {
		return properties.getConsistency().getMode() != RwsplitProperties.Consistency.Mode.EVENTUAL
				|| properties.getWriteBarrier().isEnabled();
	}

	private static void append(HikariConfig config, String property, String value) {
		String existing = config.getDataSourceProperties().getProperty(property);
		config.addDataSourceProperty(property, (existing == null || existing.isBlank()) ? value : existing + "," + value);
	}

	private static HikariDataSource pool(RwsplitProperties properties, String name, RwsplitProperties.Node node,
			boolean replica, String routerId) {
		return new HikariDataSource(config(properties, name, node, replica, routerId));
	}

	private static void apply(RwsplitProperties.Pool pool, HikariConfig config) {
		set(pool.getMaximumPoolSize(), config::setMaximumPoolSize);
		set(pool.getMinimumIdle(), config::setMinimumIdle);
		millis(pool.getConnectionTimeout(), config::setConnectionTimeout);
		millis(pool.getIdleTimeout(), config::setIdleTimeout);
		millis(pool.getMaxLifetime(), config::setMaxLifetime);
		millis(pool.getValidationTimeout(), config::setValidationTimeout);
		millis(pool.getKeepaliveTime(), config::setKeepaliveTime);
		millis(pool.getLeakDetectionThreshold(), config::setLeakDetectionThreshold);
		millis(pool.getInitializationFailTimeout(), config::setInitializationFailTimeout);
		set(pool.getTransactionIsolation(), config::setTransactionIsolation);
		pool.getDataSourceProperties().forEach(config::addDataSourceProperty);
	}

	private static <T> void set(T value, Consumer<T> setter) {
		if (value != null) {
			setter.accept(value);
		}
	}

	private static void millis(Duration value, Consumer<Long> setter) {
		if (value != null) {
			setter.accept(value.toMillis());
		}
	}

}
