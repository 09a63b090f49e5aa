package io.github.rwsplit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.github.rwsplit.balancing.LoadBalancing;
import io.github.rwsplit.barrier.BarrierTimeoutPolicy;
import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.routing.ReplicaFallback;
import io.github.rwsplit.routing.Route;

/**
 * Configuration of read/write splitting: the primary, the replicas, their pools and how reads
 * are spread.
 */
@ConfigurationProperties(RwsplitProperties.PREFIX)
public class RwsplitProperties {

	/** The prefix of every rwsplit property. */
	public static final String PREFIX = "rwsplit";

	/**
	 * Whether rwsplit configures the application's DataSource from these properties.
	 */
	private boolean enabled = true;

	/**
	 * Whether an unknown rwsplit.* property stops start-up; false logs a warning instead.
	 */
	private boolean failOnUnknownProperties = true;

	/**
	 * Login user shared by every node that does not set its own.
	 */
	private @Nullable String username;

	/**
	 * Login password shared by every node that does not set its own.
	 */
	private @Nullable String password;

	/**
	 * The primary, which takes every write and every read-write transaction.
	 */
	private final Node primary = new Node();

	/**
	 * Replicas by node name; read-only work goes to one of them.
	 */
	private final Map<String, Replica> replicas = new LinkedHashMap<>();

	/**
	 * Connection pool settings shared by every node; a node's own pool settings win.
	 */
	private final Pool pool = new Pool();

	/**
	 * How a read chooses among the replicas of its group.
	 */
	private LoadBalancing loadBalancing = LoadBalancing.ROUND_ROBIN;

	/**
	 * Replica group used by read-only transactions and by @ReadReplica without a group.
	 */
	private String defaultGroup = "default";

	/**
	 * Routing of work outside transactions.
	 */
	private final Routing routing = new Routing();

	/**
	 * Refinements of replica choice that apply under every load-balancing policy.
	 */
	private final Balancing balancing = new Balancing();

	/**
	 * Write barriers: @Primary(awaitReplicas = N) and the WriteBarrier bean.
	 */
	private final WriteBarrier writeBarrier = new WriteBarrier();

	/**
	 * JPA (Hibernate) integration.
	 */
	private final Jpa jpa = new Jpa();

	/**
	 * Replica lag monitoring.
	 */
	private final Monitor monitor = new Monitor();

	/**
	 * What reads do when no replica of their group qualifies.
	 */
	private final Fallback fallback = new Fallback();

	/**
	 * Read-your-writes.
	 */
	private final Consistency consistency = new Consistency();

	/**
	 * What start-up checks before the application may use the primary.
	 */
	private final Startup startup = new Startup();

	/**
	 * Statements slower than this are logged with their server (Connector/J's slow query log); unset to log none.
	 */
	private @Nullable Duration slowStatementThreshold;

	/**
	 * Following the primary to another node: switchover, failover, Group Replication election.
	 */
	private final Topology topology = new Topology();

	/**
	 * Carrying the consistency token and the routing scope to other threads.
	 */
	private final ContextPropagation contextPropagation = new ContextPropagation();

	public boolean isEnabled() {
		return this.enabled;
	}

	public Startup getStartup() {
		return this.startup;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isFailOnUnknownProperties() {
		return this.failOnUnknownProperties;
	}

	public void setFailOnUnknownProperties(boolean failOnUnknownProperties) {
		this.failOnUnknownProperties = failOnUnknownProperties;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public Node getPrimary() {
		return this.primary;
	}

	public Map<String, Replica> getReplicas() {
		return this.replicas;
	}

	public Pool getPool() {
		return this.pool;
	}

	public LoadBalancing getLoadBalancing() {
		return this.loadBalancing;
	}

	public void setLoadBalancing(LoadBalancing loadBalancing) {
		this.loadBalancing = loadBalancing;
	}

	public String getDefaultGroup() {
		return this.defaultGroup;
	}

	public void setDefaultGroup(String defaultGroup) {
		this.defaultGroup = defaultGroup;
	}

	public Jpa getJpa() {
		return this.jpa;
	}

	public Monitor getMonitor() {
		return this.monitor;
	}

	public Routing getRouting() {
		return this.routing;
	}

	public Balancing getBalancing() {
		return this.balancing;
	}

	public WriteBarrier getWriteBarrier() {
		return this.writeBarrier;
	}

	public Fallback getFallback() {
		return this.fallback;
	}

	public Consistency getConsistency() {
		return this.consistency;
	}

	public ContextPropagation getContextPropagation() {
		return this.contextPropagation;
	}

	public Topology getTopology() {
		return this.topology;
	}

	public @Nullable Duration getSlowStatementThreshold() {
		return this.slowStatementThreshold;
	}

	public void setSlowStatementThreshold(@Nullable Duration slowStatementThreshold) {
		this.slowStatementThreshold = slowStatementThreshold;
	}

	/**
	 * How a session's reads see its own writes.
	 */
	public static class Consistency {

		/**
		 * Read-your-writes mode: auto (gtid when the primary has GTIDs, else pin), eventual, pin, gtid or global.
		 */
		private Mode mode = Mode.AUTO;

		/**
		 * How long a session's reads stay on the primary after a write, in pin mode.
		 */
		private Duration pinDuration = Duration.ofSeconds(5);

		/**
		 * Longest a read waits on a replica for the session's writes before going to the primary, and, under load, for a wait permit.
		 */
		private Duration waitTimeout = Duration.ofSeconds(1);

		/**
		 * Most of rwsplit's own waits at once on one replica (read-your-writes reads, write barriers), each holding one of its pool's connections; default half the pool's maximum size, at least 1.
		 */
		private @Nullable Integer maxWaitsPerReplica;

		/**
		 * How the token travels between web requests.
		 */
		private final Web web = new Web();

		/**
		 * The token's text form, wherever it travels.
		 */
		private final Token token = new Token();

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		public Duration getPinDuration() {
			return this.pinDuration;
		}

		public void setPinDuration(Duration pinDuration) {
			this.pinDuration = pinDuration;
		}

		public Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

		public @Nullable Integer getMaxWaitsPerReplica() {
			return this.maxWaitsPerReplica;
		}

		public void setMaxWaitsPerReplica(@Nullable Integer maxWaitsPerReplica) {
			this.maxWaitsPerReplica = maxWaitsPerReplica;
		}

		public Web getWeb() {
			return this.web;
		}

		public Token getToken() {
			return this.token;
		}

		/**
		 * The consistency modes as configured.
		 */
		public enum Mode {

			/** gtid when the primary reports gtid_mode=ON, otherwise pin (with a warning). */
			AUTO,

			/** No read-your-writes. */
			EVENTUAL,

			/** Reads go to the primary for a while after a write. */
			PIN,

			/** Reads go to a replica that has the session's GTIDs. */
			GTID,

			/** Reads wait for this instance's newest commit, whatever the session. */
			GLOBAL

		}

		/**
		 * The token's text form.
		 */
		public static class Token {

			/**
			 * Keys (32 bytes or more each) that sign tokens with HMAC-SHA256: the first signs, all verify; empty for unsigned tokens.
			 */
			private List<String> signingKeys = new ArrayList<>();

			public List<String> getSigningKeys() {
				return this.signingKeys;
			}

			public void setSigningKeys(List<String> signingKeys) {
				this.signingKeys = signingKeys;
			}

		}

		/**
		 * The token in web requests.
		 */
		public static class Web {

			/**
			 * Whether a web filter carries the token between requests.
			 */
			private boolean enabled = true;

			/**
			 * Where the token is kept between requests: client (a cookie and a response header) or http-session.
			 */
			private Store store = Store.CLIENT;

			/**
			 * Request and response header carrying the token; empty for none.
			 */
			private String header = "X-Rwsplit-Consistency";

			/**
			 * Cookie carrying the token; empty for none.
			 */
			private String cookie = "rwsplit-consistency";

			/**
			 * Most sessions whose tokens are kept on the server, when a key resolver is used.
			 */
			private int maxSessions = 10_000;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public Store getStore() {
				return this.store;
			}

			public void setStore(Store store) {
				this.store = store;
			}

			public String getHeader() {
				return this.header;
			}

			public void setHeader(String header) {
				this.header = header;
			}

			public String getCookie() {
				return this.cookie;
			}

			public void setCookie(String cookie) {
				this.cookie = cookie;
			}

			public int getMaxSessions() {
				return this.maxSessions;
			}

			public void setMaxSessions(int maxSessions) {
				this.maxSessions = maxSessions;
			}

			/**
			 * Where web tokens are kept.
			 */
			public enum Store {

				/** With the client: a cookie and a response header it echoes. */
				CLIENT,

				/** In the HTTP session. */
				HTTP_SESSION

			}

		}

	}

	/**
	 * The lag monitor.
	 */
	public static class Monitor {

		/**
		 * Whether replicas are checked and stale or unreachable ones taken out of rotation.
		 */
		private boolean enabled = true;

		/**
		 * How often each replica is checked.
		 */
		private Duration interval = Duration.ofSeconds(1);

		/**
		 * Longest a single check may take, connecting included; must be shorter than the interval.
		 */
		private Duration checkTimeout = Duration.ofMillis(800);

		/**
		 * How often the primary's position is recorded and its availability checked; lag is accurate to about this.
		 */
		private Duration primaryInterval = Duration.ofMillis(250);

		/**
		 * How replica lag is measured.
		 */
		private LagSource lagSource = LagSource.AUTO;

		/**
		 * A replica further behind the primary than this leaves rotation.
		 */
		private Duration maxLag = Duration.ofSeconds(1);

		/**
		 * Lag a replica out of rotation must stay within to return; defaults to half of max-lag.
		 */
		private @Nullable Duration recoveryLag;

		/**
		 * Consecutive checks within the recovery lag a replica needs to return to rotation.
		 */
		private int recoveryChecks = 3;

		/**
		 * Table the heartbeat lag source writes on the primary and reads on replicas.
		 */
		private String heartbeatTable = "rwsplit_heartbeat";

		/**
		 * Whether the monitor creates the heartbeat table when it is missing.
		 */
		private boolean createHeartbeatTable = true;

		/**
		 * Login user for the monitor's connections; defaults to each node's.
		 */
		private @Nullable String username;

		/**
		 * Login password for the monitor's connections; defaults to each node's.
		 */
		private @Nullable String password;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getCheckTimeout() {
			return this.checkTimeout;
		}

		public void setCheckTimeout(Duration checkTimeout) {
			this.checkTimeout = checkTimeout;
		}

		public Duration getPrimaryInterval() {
			return this.primaryInterval;
		}

		public void setPrimaryInterval(Duration primaryInterval) {
			this.primaryInterval = primaryInterval;
		}

		public LagSource getLagSource() {
			return this.lagSource;
		}

		public void setLagSource(LagSource lagSource) {
			this.lagSource = lagSource;
		}

		public Duration getMaxLag() {
			return this.maxLag;
		}

		public void setMaxLag(Duration maxLag) {
			this.maxLag = maxLag;
		}

		public @Nullable Duration getRecoveryLag() {
			return this.recoveryLag;
		}

		public void setRecoveryLag(@Nullable Duration recoveryLag) {
			this.recoveryLag = recoveryLag;
		}

		public int getRecoveryChecks() {
			return this.recoveryChecks;
		}

		public void setRecoveryChecks(int recoveryChecks) {
			this.recoveryChecks = recoveryChecks;
		}

		public String getHeartbeatTable() {
			return this.heartbeatTable;
		}

		public void setHeartbeatTable(String heartbeatTable) {
			this.heartbeatTable = heartbeatTable;
		}

		public boolean isCreateHeartbeatTable() {
			return this.createHeartbeatTable;
		}

		public void setCreateHeartbeatTable(boolean createHeartbeatTable) {
			this.createHeartbeatTable = createHeartbeatTable;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

	}

	/**
	 * What reads do when no replica qualifies.
	 */
	public static class Fallback {

		/**
		 * What a read does when no replica of its group qualifies: primary, fail or wait.
		 */
		private ReplicaFallback.Policy policy = ReplicaFallback.Policy.PRIMARY;

		/**
		 * How long the wait policy waits for a replica to qualify before failing.
		 */
		private Duration waitTimeout = Duration.ofSeconds(1);

		/**
		 * Most reads the primary serves at once as a fallback; more fail fast. Defaults to half the primary's pool.
		 */
		private @Nullable Integer maxPrimaryReads;

		/**
		 * How many other replicas a read tries when a replica refuses a connection.
		 */
		private int checkoutRetries = 2;

		public ReplicaFallback.Policy getPolicy() {
			return this.policy;
		}

		public void setPolicy(ReplicaFallback.Policy policy) {
			this.policy = policy;
		}

		public Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

		public @Nullable Integer getMaxPrimaryReads() {
			return this.maxPrimaryReads;
		}

		public void setMaxPrimaryReads(@Nullable Integer maxPrimaryReads) {
			this.maxPrimaryReads = maxPrimaryReads;
		}

		public int getCheckoutRetries() {
			return this.checkoutRetries;
		}

		public void setCheckoutRetries(int checkoutRetries) {
			this.checkoutRetries = checkoutRetries;
		}

	}

	/**
	 * Routing of work outside transactions.
	 */
	public static class Routing {

		/**
		 * Where statements outside transactions go: primary (all of them), or replica (reads to a replica, the rest to the primary).
		 */
		private Route autocommitReads = Route.PRIMARY;

		/**
		 * Stored functions that only read, which statements may call and still go to a replica (name or schema.name).
		 */
		private List<String> readOnlyFunctions = new ArrayList<>();

		/**
		 * Most classifications of prepared SQL kept, for autocommit reads; 0 for none.
		 */
		private int statementCacheSize = 2048;

		/**
		 * Whether read-only work that fails with a connection error on a replica runs once more on another node.
		 */
		private boolean retryReads = true;

		public boolean isRetryReads() {
			return this.retryReads;
		}

		public void setRetryReads(boolean retryReads) {
			this.retryReads = retryReads;
		}

		public Route getAutocommitReads() {
			return this.autocommitReads;
		}

		public void setAutocommitReads(Route autocommitReads) {
			this.autocommitReads = autocommitReads;
		}

		public List<String> getReadOnlyFunctions() {
			return this.readOnlyFunctions;
		}

		public void setReadOnlyFunctions(List<String> readOnlyFunctions) {
			this.readOnlyFunctions = readOnlyFunctions;
		}

		public int getStatementCacheSize() {
			return this.statementCacheSize;
		}

		public void setStatementCacheSize(int statementCacheSize) {
			this.statementCacheSize = statementCacheSize;
		}

	}

	/**
	 * Refinements of replica choice.
	 */
	public static class Balancing {

		/**
		 * Whether each session's reads stay on the replica they first used, moving only to one at least as far along.
		 */
		private boolean stickyReplicas;

		/**
		 * How long a replica returning to rotation takes to ramp up to its full share of new reads; 0 for no ramp.
		 */
		private Duration slowStart = Duration.ZERO;

		/**
		 * Time constant of each replica's response-time average (fastest-response balancing).
		 */
		private Duration responseTimeWindow = Duration.ofSeconds(10);

		public boolean isStickyReplicas() {
			return this.stickyReplicas;
		}

		public void setStickyReplicas(boolean stickyReplicas) {
			this.stickyReplicas = stickyReplicas;
		}

		public Duration getSlowStart() {
			return this.slowStart;
		}

		public void setSlowStart(Duration slowStart) {
			this.slowStart = slowStart;
		}

		public Duration getResponseTimeWindow() {
			return this.responseTimeWindow;
		}

		public void setResponseTimeWindow(Duration responseTimeWindow) {
			this.responseTimeWindow = responseTimeWindow;
		}

	}

	/**
	 * Write barriers.
	 */
	public static class WriteBarrier {

		/**
		 * Whether write barriers are available (and commits' GTIDs captured for them in every consistency mode).
		 */
		private boolean enabled = true;

		/**
		 * Longest a write barrier waits for replicas to apply a write, unless the annotation sets its own.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * What a barrier that times out does, unless the annotation says: fail (throw) or warn (log and return).
		 */
		private BarrierTimeoutPolicy onTimeout = BarrierTimeoutPolicy.FAIL;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public BarrierTimeoutPolicy getOnTimeout() {
			return this.onTimeout;
		}

		public void setOnTimeout(BarrierTimeoutPolicy onTimeout) {
			this.onTimeout = onTimeout;
		}

	}

	/**
	 * Carrying the consistency token and the routing scope to other threads.
	 */
	public static class ContextPropagation {

		/**
		 * Whether the consistency token and the routing scope reach @Async and executor work through Micrometer's context propagation.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * How rwsplit adjusts Hibernate.
	 */
	public static class Jpa {

		/**
		 * Whether Hibernate returns its connection after each transaction so that each routes on its own.
		 */
		private boolean releaseConnectionAfterTransaction = true;

		public boolean isReleaseConnectionAfterTransaction() {
			return this.releaseConnectionAfterTransaction;
		}

		public void setReleaseConnectionAfterTransaction(boolean releaseConnectionAfterTransaction) {
			this.releaseConnectionAfterTransaction = releaseConnectionAfterTransaction;
		}

	}

	/**
	 * One database server.
	 */
	public static class Node {

		/**
		 * JDBC URL of the server, such as jdbc:mysql://db-primary:3306/app.
		 */
		private @Nullable String url;

		/**
		 * Login user of this node; defaults to rwsplit.username.
		 */
		private @Nullable String username;

		/**
		 * Login password of this node; defaults to rwsplit.password.
		 */
		private @Nullable String password;

		/**
		 * Pool settings of this node, overriding rwsplit.pool.
		 */
		private final Pool pool = new Pool();

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public Pool getPool() {
			return this.pool;
		}

	}

	/**
	 * A replica: a node plus its share of reads and its group.
	 */
	public static class Replica extends Node {

		/**
		 * Relative share of reads under weighted load balancing; 0 takes none while others can.
		 */
		private int weight = 1;

		/**
		 * Replica group this replica serves; defaults to rwsplit.default-group.
		 */
		private @Nullable String group;

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public @Nullable String getGroup() {
			return this.group;
		}

		public void setGroup(@Nullable String group) {
			this.group = group;
		}

	}

	/**
	 * HikariCP settings. Unset values fall back to the shared rwsplit.pool, then to HikariCP's
	 * defaults.
	 */
	public static class Pool {

		/**
		 * Maximum number of connections in the pool, in use or idle.
		 */
		private @Nullable Integer maximumPoolSize;

		/**
		 * Minimum number of idle connections the pool keeps.
		 */
		private @Nullable Integer minimumIdle;

		/**
		 * Longest wait for a connection from the pool before failing.
		 */
		private @Nullable Duration connectionTimeout;

		/**
		 * Longest a connection may sit idle before it is retired.
		 */
		private @Nullable Duration idleTimeout;

		/**
		 * Longest lifetime of a connection in the pool.
		 */
		private @Nullable Duration maxLifetime;

		/**
		 * Longest wait for a connection to be validated as alive.
		 */
		private @Nullable Duration validationTimeout;

		/**
		 * How often idle connections are pinged to keep them alive; 0 disables it.
		 */
		private @Nullable Duration keepaliveTime;

		/**
		 * How long a connection may be out of the pool before a possible leak is logged; 0 disables it.
		 */
		private @Nullable Duration leakDetectionThreshold;

		/**
		 * How long start-up waits for the pool's first connection; negative starts without waiting.
		 */
		private @Nullable Duration initializationFailTimeout;

		/**
		 * Default transaction isolation of connections, such as TRANSACTION_READ_COMMITTED.
		 */
		private @Nullable String transactionIsolation;

		/**
		 * Extra JDBC driver properties, such as Connector/J's cachePrepStmts.
		 */
		private final Map<String, String> dataSourceProperties = new LinkedHashMap<>();

		public @Nullable Integer getMaximumPoolSize() {
			return this.maximumPoolSize;
		}

		public void setMaximumPoolSize(@Nullable Integer maximumPoolSize) {
			this.maximumPoolSize = maximumPoolSize;
		}

		public @Nullable Integer getMinimumIdle() {
			return this.minimumIdle;
		}

		public void setMinimumIdle(@Nullable Integer minimumIdle) {
			this.minimumIdle = minimumIdle;
		}

		public @Nullable Duration getConnectionTimeout() {
			return this.connectionTimeout;
		}

		public void setConnectionTimeout(@Nullable Duration connectionTimeout) {
			this.connectionTimeout = connectionTimeout;
		}

		public @Nullable Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public @Nullable Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(@Nullable Duration maxLifetime) {
			this.maxLifetime = maxLifetime;
		}

		public @Nullable Duration getValidationTimeout() {
			return this.validationTimeout;
		}

		public void setValidationTimeout(@Nullable Duration validationTimeout) {
			this.validationTimeout = validationTimeout;
		}

		public @Nullable Duration getKeepaliveTime() {
			return this.keepaliveTime;
		}

		public void setKeepaliveTime(@Nullable Duration keepaliveTime) {
			this.keepaliveTime = keepaliveTime;
		}

		public @Nullable Duration getLeakDetectionThreshold() {
			return this.leakDetectionThreshold;
		}

		public void setLeakDetectionThreshold(@Nullable Duration leakDetectionThreshold) {
			this.leakDetectionThreshold = leakDetectionThreshold;
		}

		public @Nullable Duration getInitializationFailTimeout() {
			return this.initializationFailTimeout;
		}

		public void setInitializationFailTimeout(@Nullable Duration initializationFailTimeout) {
			this.initializationFailTimeout = initializationFailTimeout;
		}

		public @Nullable String getTransactionIsolation() {
			return this.transactionIsolation;
		}

		public void setTransactionIsolation(@Nullable String transactionIsolation) {
			this.transactionIsolation = transactionIsolation;
		}

		public Map<String, String> getDataSourceProperties() {
			return this.dataSourceProperties;
		}

	}

	/**
	 * Roles as observed: following the primary to another node.
	 */
	public static class Topology {

		/**
		 * Whether writes follow the primary when the monitor sees another node become the writable one (switchover, failover, Group Replication election).
		 */
		private boolean followPrimary = true;

		/**
		 * How long new write work waits for a writable primary while none is known, before failing fast; 0 fails at once.
		 */
		private Duration awaitPrimaryTimeout = Duration.ofSeconds(3);

		public boolean isFollowPrimary() {
			return this.followPrimary;
		}

		public void setFollowPrimary(boolean followPrimary) {
			this.followPrimary = followPrimary;
		}

		/**
		 * JDBC URL of Group Replication members found in the group that no rwsplit.replicas entry names, with {host} and {port} from the group's member list; unset, no member is discovered.
		 */
		private @Nullable String memberUrlTemplate;

		public @Nullable String getMemberUrlTemplate() {
			return this.memberUrlTemplate;
		}

		public void setMemberUrlTemplate(@Nullable String memberUrlTemplate) {
			this.memberUrlTemplate = memberUrlTemplate;
		}

		public Duration getAwaitPrimaryTimeout() {
			return this.awaitPrimaryTimeout;
		}

		public void setAwaitPrimaryTimeout(Duration awaitPrimaryTimeout) {
			this.awaitPrimaryTimeout = awaitPrimaryTimeout;
		}

	}

	/**
	 * What start-up checks, and what it tolerates.
	 */
	public static class Startup {

		/**
		 * Longest the start-up check of the primary may take to connect and log in; 0 skips the check.
		 */
		private Duration primaryCheckTimeout = Duration.ofSeconds(5);

		/**
		 * Whether the application starts while the primary refuses, so that replicas serve reads (JPA then needs its dialect set).
		 */
		private boolean allowPrimaryDown;

		/**
		 * Whether start-up fails when the lag monitor's first check finds a replica misconfigured (login refused, URL or driver property rejected).
		 */
		private boolean failOnMisconfiguredReplica;

		public Duration getPrimaryCheckTimeout() {
			return this.primaryCheckTimeout;
		}

		public void setPrimaryCheckTimeout(Duration primaryCheckTimeout) {
			this.primaryCheckTimeout = primaryCheckTimeout;
		}

		public boolean isAllowPrimaryDown() {
			return this.allowPrimaryDown;
		}

		public void setAllowPrimaryDown(boolean allowPrimaryDown) {
			this.allowPrimaryDown = allowPrimaryDown;
		}

		public boolean isFailOnMisconfiguredReplica() {
			return this.failOnMisconfiguredReplica;
		}

		public void setFailOnMisconfiguredReplica(boolean failOnMisconfiguredReplica) {
			this.failOnMisconfiguredReplica = failOnMisconfiguredReplica;
		}

	}

}
