package io.github.rwsplit.it.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.it.ItProperties;
import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.GroupReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;

/**
 * An application on a test cluster for the tests that change the primary under it: the
 * {@link Ops} service the tests and {@link MixedLoad} call, the router and monitor to look at, and
 * a {@link PrimaryWatch} that records every change of the primary the router sees, with its time.
 *
 * <p>It also builds the properties such an application starts with. For a replication cluster the
 * mapping is fixed by node name, whatever the roles are now: {@code rwsplit.primary} is the node
 * named {@code primary} and each {@code replica-N} is {@code rwsplit.replicas.replica-N}, as an
 * application configured before any switchover would be; node names in rwsplit and in the cluster
 * are therefore the same. Not responsible for the cluster: tests change and mend it.
 */
final class TopologyApp implements AutoCloseable {

	/** How often the monitor checks each node in the tests (and the fast profile of the harness). */
	static final Duration INTERVAL = Duration.ofMillis(500);

	/**
	 * How long new write work waits for a writable primary before it fails (the default, set
	 * explicitly so that the tests' bounds visibly build on it).
	 */
	static final Duration AWAIT_PRIMARY_TIMEOUT = Duration.ofSeconds(3);

	/** The name of the primary-changes counter. */
	static final String PRIMARY_CHANGES = "rwsplit.primary.changes";

	final ConfigurableApplicationContext context;

	final Ops ops;

	final ReadWriteRoutingDataSource router;

	final ReplicaLagMonitor monitor;

	final PrimaryWatch watch;

	private TopologyApp(Map<String, Object> properties) {
		this.context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
		this.ops = this.context.getBean(Ops.class);
		this.router = this.context.getBean(RwsplitDataSource.class).getRouter();
		this.monitor = this.context.getBean(ReplicaLagMonitor.class);
		this.watch = new PrimaryWatch(this.router);
	}

	/**
	 * Starts an application.
	 * @param properties what {@link #replication} or {@link #group} built, with any additions
	 * @return the running application
	 */
	static TopologyApp start(Map<String, Object> properties) {
		return new TopologyApp(properties);
	}

	/**
	 * Monitor settings: the tests' fast monitor, or rwsplit's defaults (for the harness).
	 */
	enum MonitorProfile {

		/**
		 * Checks every {@link #INTERVAL}; never takes a replica out for lag (30 s), because lag on a
		 * loaded two-core machine is not what these tests are about.
		 */
		FAST("rwsplit.monitor.interval=" + INTERVAL.toMillis() + "ms", "rwsplit.monitor.check-timeout=400ms",
				"rwsplit.monitor.primary-interval=250ms", "rwsplit.monitor.max-lag=30s"),

		/** Faster still, for the harness: every 250 ms. */
		FASTER("rwsplit.monitor.interval=250ms", "rwsplit.monitor.check-timeout=200ms",
				"rwsplit.monitor.primary-interval=100ms", "rwsplit.monitor.max-lag=30s"),

		/** Whatever rwsplit uses when nothing is set (a check every second). */
		DEFAULTS();

		private final String[] settings;

		MonitorProfile(String... settings) {
			this.settings = settings;
		}

		void applyTo(Map<String, Object> properties) {
			put(properties, this.settings);
		}

	}

	/**
	 * The properties of an application configured for a replication cluster as it was first
	 * started: {@code rwsplit.primary} is the node named {@code primary} even when that node is a
	 * replica now.
	 * @param cluster the cluster
	 * @param monitor the monitor settings
	 * @param settings more properties, each as {@code name=value}
	 * @return a new, modifiable map
	 */
	static Map<String, Object> replication(MySqlReplicationCluster cluster, MonitorProfile monitor, String... settings) {
		Map<String, Object> properties = ItProperties.jdbcOnly(cluster);
		// RwsplitClusterProperties follows the current roles; this configuration must not.
		properties.keySet().removeIf((name) -> name.startsWith("rwsplit.primary.") || name.startsWith("rwsplit.replicas."));
		properties.put("rwsplit.primary.url", cluster.node("primary").jdbcUrl());
		for (ClusterNode node : cluster.nodes()) {
			if (!node.name().equals("primary")) {
				properties.put("rwsplit.replicas." + node.name() + ".url", node.jdbcUrl());
			}
		}
		common(properties, monitor);
		put(properties, settings);
		return properties;
	}

	/**
	 * The properties of an application configured for a group as it is now: its current primary is
	 * {@code rwsplit.primary} (node name {@code primary}), every other member a replica under its
	 * member name.
	 * @param group the group
	 * @param monitor the monitor settings
	 * @param settings more properties, each as {@code name=value}
	 * @return a new, modifiable map
	 */
	static Map<String, Object> group(GroupReplicationCluster group, MonitorProfile monitor, String... settings) {
		Map<String, Object> properties = new LinkedHashMap<>(RwsplitClusterProperties.of(group));
		properties.put("spring.flyway.enabled", "false");
		properties.put("spring.autoconfigure.exclude", ItProperties.EXCLUDE_JPA);
		common(properties, monitor);
		put(properties, settings);
		return properties;
	}

	private static void common(Map<String, Object> properties, MonitorProfile monitor) {
		properties.put("rwsplit.topology.follow-primary", "true");
		properties.put("rwsplit.topology.await-primary-timeout", AWAIT_PRIMARY_TIMEOUT.toMillis() + "ms");
		monitor.applyTo(properties);
	}

	private static void put(Map<String, Object> properties, String... settings) {
		for (String setting : settings) {
			int equals = setting.indexOf('=');
			properties.put(setting.substring(0, equals), setting.substring(equals + 1));
		}
	}

	/** @return the routing snapshot the router uses now */
	RoutingTopology topology() {
		return this.router.getTopology();
	}

	/** @return what the monitor knows now */
	MonitorSnapshot snapshot() {
		return this.monitor.snapshot();
	}

	/**
	 * Whether the router sends writes to a node now.
	 * @param node an rwsplit node name
	 * @return {@code true} when it is the primary and the primary is up
	 */
	boolean writesGoTo(String node) {
		RoutingTopology topology = topology();
		return node.equals(topology.primary()) && topology.primaryStatus() == PrimaryStatus.UP;
	}

	/**
	 * The {@value #PRIMARY_CHANGES} meter's count, whatever kind of counter it is registered as.
	 * @return the count, or {@code -1} when no such meter is registered
	 */
	double primaryChangesMetric() {
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		var search = registry.find(PRIMARY_CHANGES);
		if (search.counters().isEmpty() && search.functionCounters().isEmpty()) {
			return -1;
		}
		double count = 0;
		for (var counter : search.counters()) {
			count += counter.count();
		}
		for (FunctionCounter counter : search.functionCounters()) {
			count += counter.count();
		}
		return count;
	}

	@Override
	public void close() {
		this.watch.close();
		this.context.close();
	}

	/** The SQL that creates a load table: ids are chosen by the writers, never by the server. */
	static String createLoadTable(String table) {
		return "CREATE TABLE " + checked(table)
				+ " (id BIGINT PRIMARY KEY, writer INT NOT NULL, written_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))";
	}

	/** The SQL that creates a table of values for read-your-writes: id, value. */
	static String createValueTable(String table) {
		return "CREATE TABLE " + checked(table) + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL)";
	}

	/**
	 * The ids in a table, read on a connection the caller opened (an admin connection to one node).
	 * @param connection the connection
	 * @param table the table
	 * @return every id
	 * @throws SQLException if the query fails
	 */
	static Set<Long> idsOn(Connection connection, String table) throws SQLException {
		Set<Long> ids = new HashSet<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT id FROM " + checked(table))) {
			while (rs.next()) {
				ids.add(rs.getLong(1));
			}
		}
		return ids;
	}

	private static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,40}");

	/** Table names go into SQL text; only plain lower-case identifiers are accepted. */
	static String checked(String table) {
		if (!TABLE.matcher(table).matches()) {
			throw new IllegalArgumentException("Not a plain table name: " + table);
		}
		return table;
	}

	/**
	 * Which server answered a transaction, asked in that transaction.
	 *
	 * @param serverId the server's {@code @@server_id} (distinct within a cluster or group)
	 * @param port the server's {@code @@port}
	 * @param readOnly whether the server reported {@code read_only} or {@code super_read_only} on
	 * when it answered
	 * @param routedTo the node rwsplit says it routed the connection to, for messages only
	 */
	record Answer(long serverId, int port, boolean readOnly, String routedTo) {

		/** A transaction that never reached a server. */
		static final Answer NONE = new Answer(0, 0, false, null);

		boolean reachedAServer() {
			return this.serverId != 0;
		}

	}

	/**
	 * A value written and the server that took it.
	 * @param id the row's id
	 * @param answer the server
	 */
	record Written(long id, Answer answer) {
	}

	/**
	 * A value read and the server that served it.
	 * @param value the value, {@code null} when the row was not there (a stale read)
	 * @param answer the server
	 */
	record ValueRead(String value, Answer answer) {
	}

	/**
	 * The application's work, each method its own transaction. Every method first asks the server
	 * who it is, in the same transaction, so that a test knows which node the transaction ran on
	 * even when a later statement fails.
	 */
	@Service
	static class Ops {

		private final JdbcTemplate jdbc;

		Ops(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		/**
		 * Inserts a row with a chosen id.
		 * @param table a load table
		 * @param id the row's id
		 * @param writer the writer's number
		 * @param answeredBy told which server the transaction runs on, before the insert
		 */
		@Transactional
		public void write(String table, long id, int writer, Consumer<Answer> answeredBy) {
			answeredBy.accept(whoAnswers());
			this.jdbc.update("INSERT INTO " + checked(table) + " (id, writer) VALUES (?, ?)", id, writer);
		}

		/**
		 * Inserts a row, then keeps the transaction open until released, then inserts another: a
		 * write in flight while the primary changes.
		 * @param table a load table
		 * @param firstId the first row's id
		 * @param secondId the second row's id
		 * @param answeredBy told which server the transaction runs on
		 * @param holding counted down once the first row is inserted
		 * @param release awaited before the second insert
		 */
		@Transactional
		public void writeAndHold(String table, long firstId, long secondId, Consumer<Answer> answeredBy,
				CountDownLatch holding, CountDownLatch release) {
			answeredBy.accept(whoAnswers());
			this.jdbc.update("INSERT INTO " + checked(table) + " (id, writer) VALUES (?, ?)", firstId, -1);
			holding.countDown();
			try {
				if (!release.await(2, TimeUnit.MINUTES)) {
					throw new IllegalStateException("The held transaction was never released");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				// A runtime exception, so that the transaction rolls back instead of committing.
				throw new IllegalStateException("Interrupted while holding the transaction", ex);
			}
			this.jdbc.update("INSERT INTO " + checked(table) + " (id, writer) VALUES (?, ?)", secondId, -1);
		}

		/**
		 * Reads a load table.
		 * @param table a load table
		 * @return the server that answered
		 */
		@Transactional(readOnly = true)
		public Answer read(String table) {
			Answer answer = whoAnswers();
			this.jdbc.queryForObject("SELECT COUNT(*) FROM " + checked(table), Long.class);
			return answer;
		}

		/**
		 * Inserts a value for read-your-writes.
		 * @param table a value table
		 * @param value the value
		 * @return the new row's id and the server
		 */
		@Transactional
		public Written insertValue(String table, String value) {
			Answer answer = whoAnswers();
			GeneratedKeyHolder keys = new GeneratedKeyHolder();
			this.jdbc.update((connection) -> {
				var statement = connection.prepareStatement("INSERT INTO " + checked(table) + " (v) VALUES (?)",
						Statement.RETURN_GENERATED_KEYS);
				statement.setString(1, value);
				return statement;
			}, keys);
			return new Written(keys.getKey().longValue(), answer);
		}

		/**
		 * Reads a value back.
		 * @param table a value table
		 * @param id the row's id
		 * @return the value ({@code null} when the row is not there) and the server
		 */
		@Transactional(readOnly = true)
		public ValueRead readValue(String table, long id) {
			Answer answer = whoAnswers();
			List<String> values = this.jdbc.queryForList("SELECT v FROM " + checked(table) + " WHERE id = ?",
					String.class, id);
			return new ValueRead(values.isEmpty() ? null : values.get(0), answer);
		}

		private Answer whoAnswers() {
			Answer answer = this.jdbc.queryForObject(
					"SELECT @@server_id, @@port, @@global.read_only OR @@global.super_read_only",
					(rs, row) -> new Answer(rs.getLong(1), rs.getInt(2), rs.getBoolean(3), null));
			return new Answer(answer.serverId(), answer.port(), answer.readOnly(),
					ReadWriteRoutingDataSource.lastRoutedNode());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Ops.class)
	static class App {

	}

	/**
	 * Records every change of the primary the router sees: which node, its status, and when the
	 * change was first seen. Samples the router's snapshot (a volatile read) every 5 ms on its own
	 * thread, so a recorded time is at most one sample late; anything that routes after a recorded
	 * time saw that snapshot or a newer one.
	 */
	static final class PrimaryWatch implements AutoCloseable {

		private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

		/**
		 * One change.
		 * @param at when it was first seen
		 * @param primary the primary's node name
		 * @param status its status
		 */
		record Transition(Instant at, String primary, PrimaryStatus status) {

			boolean isUp(String node) {
				return this.status == PrimaryStatus.UP && node.equals(this.primary);
			}

		}

		private final List<Transition> transitions = new ArrayList<>();

		private final Thread thread;

		private volatile boolean running = true;

		PrimaryWatch(ReadWriteRoutingDataSource router) {
			record(router.getTopology());
			this.thread = new Thread(() -> {
				while (this.running) {
					record(router.getTopology());
					java.util.concurrent.locks.LockSupport.parkNanos(SAMPLE_NANOS);
				}
			}, "primary-watch");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void record(RoutingTopology topology) {
			Instant now = Instant.now();
			synchronized (this.transitions) {
				Transition last = this.transitions.isEmpty() ? null : this.transitions.get(this.transitions.size() - 1);
				if (last == null || !last.primary().equals(topology.primary()) || last.status() != topology.primaryStatus()) {
					this.transitions.add(new Transition(now, topology.primary(), topology.primaryStatus()));
				}
			}
		}

		/** @return every change seen so far, oldest first */
		List<Transition> transitions() {
			synchronized (this.transitions) {
				return List.copyOf(this.transitions);
			}
		}

		/**
		 * The first change seen at or after a time that matches.
		 * @param from the earliest time
		 * @param matching what to look for
		 * @return the change, or {@code null}
		 */
		Transition first(Instant from, Predicate<Transition> matching) {
			for (Transition transition : transitions()) {
				if (!transition.at().isBefore(from) && matching.test(transition)) {
					return transition;
				}
			}
			return null;
		}

		@Override
		public void close() {
			this.running = false;
			try {
				this.thread.join(5_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
