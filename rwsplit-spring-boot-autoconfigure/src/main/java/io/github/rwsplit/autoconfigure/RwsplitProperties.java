package io.github.rwsplit.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.github.rwsplit.balancing.LoadBalancing;

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
	 * Login user shared by every node that does not set its own.
	 */
	private String username;

	/**
	 * Login password shared by every node that does not set its own.
	 */
	private String password;

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
	 * JPA (Hibernate) integration.
	 */
	private final Jpa jpa = new Jpa();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getUsername() {
		return this.username;
	}

	public void setUsername(String username) {
		this.username = username;
	}

	public String getPassword() {
		return this.password;
	}

	public void setPassword(String password) {
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
		private String url;

		/**
		 * Login user of this node; defaults to rwsplit.username.
		 */
		private String username;

		/**
		 * Login password of this node; defaults to rwsplit.password.
		 */
		private String password;

		/**
		 * Pool settings of this node, overriding rwsplit.pool.
		 */
		private final Pool pool = new Pool();

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
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
		private String group;

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public String getGroup() {
			return this.group;
		}

		public void setGroup(String group) {
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
		private Integer maximumPoolSize;

		/**
		 * Minimum number of idle connections the pool keeps.
		 */
		private Integer minimumIdle;

		/**
		 * Longest wait for a connection from the pool before failing.
		 */
		private Duration connectionTimeout;

		/**
		 * Longest a connection may sit idle before it is retired.
		 */
		private Duration idleTimeout;

		/**
		 * Longest lifetime of a connection in the pool.
		 */
		private Duration maxLifetime;

		/**
		 * Longest wait for a connection to be validated as alive.
		 */
		private Duration validationTimeout;

		/**
		 * How often idle connections are pinged to keep them alive; 0 disables it.
		 */
		private Duration keepaliveTime;

		/**
		 * How long a connection may be out of the pool before a possible leak is logged; 0 disables it.
		 */
		private Duration leakDetectionThreshold;

		/**
		 * How long start-up waits for the pool's first connection; negative starts without waiting.
		 */
		private Duration initializationFailTimeout;

		/**
		 * Default transaction isolation of connections, such as TRANSACTION_READ_COMMITTED.
		 */
		private String transactionIsolation;

		/**
		 * Extra JDBC driver properties, such as Connector/J's cachePrepStmts.
		 */
		private final Map<String, String> dataSourceProperties = new LinkedHashMap<>();

		public Integer getMaximumPoolSize() {
			return this.maximumPoolSize;
		}

		public void setMaximumPoolSize(Integer maximumPoolSize) {
			this.maximumPoolSize = maximumPoolSize;
		}

		public Integer getMinimumIdle() {
			return this.minimumIdle;
		}

		public void setMinimumIdle(Integer minimumIdle) {
			this.minimumIdle = minimumIdle;
		}

		public Duration getConnectionTimeout() {
			return this.connectionTimeout;
		}

		public void setConnectionTimeout(Duration connectionTimeout) {
			this.connectionTimeout = connectionTimeout;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(Duration maxLifetime) {
			this.maxLifetime = maxLifetime;
		}

		public Duration getValidationTimeout() {
			return this.validationTimeout;
		}

		public void setValidationTimeout(Duration validationTimeout) {
			this.validationTimeout = validationTimeout;
		}

		public Duration getKeepaliveTime() {
			return this.keepaliveTime;
		}

		public void setKeepaliveTime(Duration keepaliveTime) {
			this.keepaliveTime = keepaliveTime;
		}

		public Duration getLeakDetectionThreshold() {
			return this.leakDetectionThreshold;
		}

		public void setLeakDetectionThreshold(Duration leakDetectionThreshold) {
			this.leakDetectionThreshold = leakDetectionThreshold;
		}

		public Duration getInitializationFailTimeout() {
			return this.initializationFailTimeout;
		}

		public void setInitializationFailTimeout(Duration initializationFailTimeout) {
			this.initializationFailTimeout = initializationFailTimeout;
		}

		public String getTransactionIsolation() {
			return this.transactionIsolation;
		}

		public void setTransactionIsolation(String transactionIsolation) {
			this.transactionIsolation = transactionIsolation;
		}

		public Map<String, String> getDataSourceProperties() {
			return this.dataSourceProperties;
		}

	}

}
