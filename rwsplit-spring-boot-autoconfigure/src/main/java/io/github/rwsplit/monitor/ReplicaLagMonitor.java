package io.github.rwsplit.monitor;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.routing.CheckoutFailureListener;
import io.github.rwsplit.routing.InFlightStatements;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RoutingTopology;

/**
 * Watches the primary and every replica, keeps each replica's {@link ReplicaHealth}, and publishes
 * a new {@link RoutingTopology} to the router whenever it learns something: replicas that are
 * healthy are in rotation with their lag, the others are listed with their reason, and the
 * primary is marked down while it does not answer.
 *
 * <p>Each node has its own thread and its own connection (not the application's pools), and every
 * check is bounded by {@code checkTimeout}, shorter than the interval: a hung replica delays only
 * its own checks. The router never waits for the monitor; it reads the last published snapshot.
 *
 * <p>Not responsible for routing decisions, metrics or endpoints; those read
 * {@link #snapshot()}.
 */
public class ReplicaLagMonitor implements SmartLifecycle, CheckoutFailureListener {

	/** Starts before the web server takes traffic and stops after it has drained. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(ReplicaLagMonitor.class);

	private static final int ER_TABLEACCESS_DENIED_ERROR = 1142;

	private static final int ER_SPECIFIC_ACCESS_DENIED_ERROR = 1227;

	private static final int ER_NO_SUCH_TABLE = 1146;

	private final ReadWriteRoutingDataSource router;

	private final MonitoredNode primary;

	private final Map<String, MonitoredNode> replicas = new LinkedHashMap<>();

	private final MonitorSettings settings;

	private final ReplicaStateMachine stateMachine;

	private final Map<String, ReplicaHealth> health = new LinkedHashMap<>();

	/** When each replica that is ramping up (slow start) entered rotation, by {@link System#nanoTime()}. */
	private final Map<String, Long> rotationSince = new java.util.HashMap<>();

	private volatile MonitorSnapshot snapshot;

	private volatile LagProbe probe;

	private volatile String primaryDownReason;

	/** The primary's executed set at its last tick, when the lag probe reads it; guarded by this monitor. */
	private io.github.rwsplit.gtid.GtidSet primaryExecuted;

	private long primaryMeasuredAtMillis;

	/** When the primary was last reported down, on the monotonic clock. */
	private long primaryDownSince;

	/** Consecutive failures to reach the primary; touched only by the primary's check. */
	private int primaryFailures;

	private volatile boolean primaryPrepared;

	/** The primary's gtid_mode once a check has read it; touched only by the primary's check. */
	private String primaryGtidMode;

	private volatile PrimaryGtidModeListener gtidModeListener = PrimaryGtidModeListener.NONE;

	private volatile MisconfiguredReplicaListener misconfiguredListener = MisconfiguredReplicaListener.NONE;

	private volatile UnseenPrimaryAdmission unseenPrimaryAdmission = UnseenPrimaryAdmission.OFF;

	private final java.util.concurrent.atomic.AtomicBoolean primaryStatementFailure = new java.util.concurrent.atomic.AtomicBoolean();

	/** Replicas taken out of rotation, by the state they went to. */
	private final java.util.concurrent.atomic.LongAdder[] ejections = new java.util.concurrent.atomic.LongAdder[ReplicaState
		.values().length];

	{
		for (int i = 0; i < this.ejections.length; i++) {
			this.ejections[i] = new java.util.concurrent.atomic.LongAdder();
		}
	}

	/** Replicas with an immediate recheck queued after a lost connection. */
	private final Set<String> recheckPending = ConcurrentHashMap.newKeySet();

	private ScheduledThreadPoolExecutor executor;

	private volatile boolean running;

	/** Guards start and stop; checks use the monitor's own lock, which start must not hold while it waits. */
	private final Object lifecycle = new Object();

	/**
	 * Creates a monitor; {@link #start()} begins checking.
	 * @param router the router to publish to
	 * @param primary how to reach the primary
	 * @param replicas how to reach each replica, by node name as the router knows them
	 * @param settings how to monitor
	 */
	public ReplicaLagMonitor(ReadWriteRoutingDataSource router, Endpoint primary, List<Endpoint> replicas,
			MonitorSettings settings) {
		this.router = router;
		this.settings = settings;
		this.stateMachine = new ReplicaStateMachine(settings.thresholds(), settings.interval());
		this.primary = primary.toNode(settings);
		for (Endpoint replica : replicas) {
			this.replicas.put(replica.name(), replica.toNode(settings));
			this.health.put(replica.name(), ReplicaHealth.unchecked(replica.name()));
		}
		this.snapshot = new MonitorSnapshot(settings.lagSource(), primary.name(), null, List.copyOf(this.health.values()));
	}

	/**
	 * How the monitor reaches a node: its URL and credentials. {@link #toString()} hides the
	 * password.
	 *
	 * @param name the node's name
	 * @param url its JDBC URL
	 * @param username the login user, or {@code null} to rely on the URL
	 * @param password the login password, or {@code null}
	 * @param driverProperties the driver properties the node's pool uses (TLS, authentication and
	 * the like), so that the monitor connects the way the application does
	 */
	public record Endpoint(String name, String url, String username, String password, Properties driverProperties) {

		/**
		 * An endpoint with no extra driver properties.
		 * @param name the node's name
		 * @param url its JDBC URL
		 * @param username the login user, or {@code null}
		 * @param password the login password, or {@code null}
		 */
		public Endpoint(String name, String url, String username, String password) {
			this(name, url, username, password, new Properties());
		}

		MonitoredNode toNode(MonitorSettings settings) {
			return new MonitoredNode(this.name, this.url, this.username, this.password, this.driverProperties,
					settings.checkTimeout());
		}

		@Override
		public String toString() {
			return "Endpoint[" + this.name + ", " + io.github.rwsplit.routing.JdbcUrls.sanitize(this.url) + ", user="
					+ this.username + "]";
		}

	}

	/**
	 * Told what the monitor learns of the primary's {@code gtid_mode}, which its first good check of
	 * the primary reads (and every later check, until one succeeds).
	 */
	public interface PrimaryGtidModeListener {

		/** Listens to nothing. */
		PrimaryGtidModeListener NONE = new PrimaryGtidModeListener() {
		};

		/**
		 * The primary answered.
		 * @param gtidMode its {@code @@global.gtid_mode}, such as {@code ON} or {@code OFF}
		 */
		default void gtidModeRead(String gtidMode) {
		}

		/**
		 * A check could not read it; the next check tries again.
		 * @param cause why, with the server's message and without secrets
		 */
		default void gtidModeUnread(String cause) {
		}

	}

	/** @param listener told what the monitor learns of the primary's gtid_mode; set before {@link #start()} */
	public void setPrimaryGtidModeListener(PrimaryGtidModeListener listener) {
		this.gtidModeListener = java.util.Objects.requireNonNull(listener, "listener");
	}

	/** @param listener told of replicas misconfigured at start-up, and may stop it; set before {@link #start()} */
	public void setMisconfiguredReplicaListener(MisconfiguredReplicaListener listener) {
		this.misconfiguredListener = java.util.Objects.requireNonNull(listener, "listener");
	}

	/**
	 * @param admit whether replicas serve reads with their lag unknown while a primary that was down
	 * at start-up has not answered yet ({@code rwsplit.startup.allow-primary-down}; see
	 * {@link UnseenPrimaryAdmission})
	 */
	public void setAdmitReplicasUntilPrimarySeen(boolean admit) {
		this.unseenPrimaryAdmission = admit ? UnseenPrimaryAdmission.ON : UnseenPrimaryAdmission.OFF;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void start() {
		synchronized (this.lifecycle) {
			if (!this.running) {
				startChecks();
			}
		}
	}

	private void startChecks() {
		this.primaryPrepared = false;
		this.primaryGtidMode = null;
		this.primaryFailures = 0;
		this.probe = createProbe(resolveLagSource());
		AtomicInteger threads = new AtomicInteger();
		this.executor = new ScheduledThreadPoolExecutor(this.replicas.size() + 1, (task) -> {
			Thread thread = new Thread(task, "rwsplit-monitor-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.executor.setRemoveOnCancelPolicy(true);
		this.running = true;
		// A first round before the application takes traffic, so that rotation is right from the start.
		try {
			checkPrimary(true);
		}
		catch (RuntimeException ex) {
			stopChecks();
			throw ex;
		}
		List<Future<?>> first = new ArrayList<>();
		for (MonitoredNode replica : this.replicas.values()) {
			first.add(this.executor.submit(() -> checkReplica(replica, true)));
		}
		for (Future<?> check : first) {
			awaitFirstCheck(check);
		}
		// Fixed delays: a slow check postpones the next one instead of causing a burst of catch-up checks.
		long primaryPeriod = this.settings.primaryInterval().toNanos();
		this.executor.scheduleWithFixedDelay(guarded(() -> checkPrimary(false)), primaryPeriod, primaryPeriod,
				TimeUnit.NANOSECONDS);
		long period = this.settings.interval().toNanos();
		for (MonitoredNode replica : this.replicas.values()) {
			this.executor.scheduleWithFixedDelay(guarded(() -> checkReplica(replica, false)), period, period,
					TimeUnit.NANOSECONDS);
		}
		logger.info("rwsplit: lag monitor started (" + this.probe.source().name().toLowerCase(java.util.Locale.ROOT)
				+ ", every " + this.settings.interval().toMillis() + " ms, max-lag "
				+ this.settings.thresholds().maxLag().toMillis() + " ms): " + describeRotation());
	}

	/** A periodic task that survives anything its run throws; an escaped error would cancel it silently. */
	private Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				if (this.running) {
					logger.error("rwsplit: a monitor check failed unexpectedly; it runs again at its next interval", ex);
				}
			}
		};
	}

	private void awaitFirstCheck(Future<?> check) {
		try {
			check.get(this.settings.checkTimeout().toMillis() * 4 + 1000, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RwsplitConfigurationException configuration) {
				stopChecks();
				throw configuration;
			}
		}
		catch (TimeoutException ex) {
			// The replica is slow to answer; its own checks go on.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycle) {
			stopChecks();
		}
	}

	private void stopChecks() {
		this.running = false;
		if (this.executor != null) {
			this.executor.shutdownNow();
			try {
				this.executor.awaitTermination(this.settings.checkTimeout().toMillis() * 4 + 1000, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.executor = null;
		}
		this.primary.close();
		this.replicas.values().forEach(MonitoredNode::close);
	}

	/** @return what the monitor knows now */
	public MonitorSnapshot snapshot() {
		return this.snapshot;
	}

	/** @return the monitor's settings */
	public MonitorSettings getSettings() {
		return this.settings;
	}

	/**
	 * Takes a replica out of rotation until {@link #undrain(String)}: reads already running finish,
	 * new ones go elsewhere.
	 * @param replica the replica's name
	 */
	public synchronized void drain(String replica) {
		ReplicaHealth current = requireReplica(replica);
		if (current.state() != ReplicaState.DRAINED) {
			transition(current, current.withState(ReplicaState.DRAINED, "drained by an operator"));
			publish();
		}
	}

	/**
	 * Puts a drained replica back under the monitor's judgement: it returns to rotation after the
	 * usual number of good checks.
	 * @param replica the replica's name
	 */
	public synchronized void undrain(String replica) {
		ReplicaHealth current = requireReplica(replica);
		if (current.state() == ReplicaState.DRAINED) {
			transition(current, current.withState(ReplicaState.LAGGING, "undrained; returns after "
					+ this.settings.thresholds().recoveryChecks() + " good checks"));
			publish();
		}
	}

	private ReplicaHealth requireReplica(String replica) {
		ReplicaHealth current = this.health.get(replica);
		if (current == null) {
			throw new IllegalArgumentException("No replica named '" + replica + "'; replicas are " + this.health.keySet());
		}
		return current;
	}

	/**
	 * A pool could not hand out a connection to a node: the node leaves rotation at once (a replica)
	 * or is marked down (the primary). Ignored while the monitor is not running, when nothing would
	 * ever bring the node back, and for a pool that was merely out of connections.
	 */
	@Override
	public void checkoutFailed(String node, SQLException failure) {
		if (!this.running || (failure instanceof SQLTransientConnectionException && failure.getCause() == null)) {
			return;
		}
		if (node.equals(this.primary.name())) {
			primaryDown("connection refused at checkout: " + this.primary.describe(failure), System.nanoTime());
			return;
		}
		MonitoredNode replica = this.replicas.get(node);
		if (replica != null && update(node,
				CheckResult.unreachable("connection refused at checkout: " + replica.describe(failure)), Instant.now())) {
			abortReadsOn(node);
		}
	}

	/**
	 * A replica connection was lost mid-statement. That may be the server dying or just one stale
	 * connection, so the replica is checked again at once, on its own thread, rather than taken out.
	 */
	@Override
	public void connectionLost(String node, SQLException failure) {
		MonitoredNode replica = this.replicas.get(node);
		ScheduledThreadPoolExecutor current = this.executor;
		if (!this.running || replica == null || current == null || !this.recheckPending.add(node)) {
			return;
		}
		try {
			current.execute(guarded(() -> {
				this.recheckPending.remove(node);
				checkReplica(replica, false);
			}));
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			this.recheckPending.remove(node);
		}
	}

	private LagSource resolveLagSource() {
		if (this.settings.lagSource() != LagSource.AUTO) {
			return this.settings.lagSource();
		}
		List<MonitoredNode> nodes = new ArrayList<>();
		nodes.add(this.primary);
		nodes.addAll(this.replicas.values());
		for (MonitoredNode node : nodes) {
			try (Statement statement = node.connection().createStatement();
					ResultSet rs = statement.executeQuery("SELECT @@global.gtid_mode")) {
				rs.next();
				return "ON".equalsIgnoreCase(rs.getString(1)) ? LagSource.GTID : LagSource.HEARTBEAT;
			}
			catch (SQLException ex) {
				node.reset();
			}
		}
		logger.warn("rwsplit: no node answered to choose the lag source; using heartbeat");
		return LagSource.HEARTBEAT;
	}

	private LagProbe createProbe(LagSource source) {
		int capacity = this.settings.markCapacity();
		long maxLag = this.settings.thresholds().maxLag().toNanos();
		return switch (source) {
			case GTID -> new GtidLagProbe(capacity, maxLag);
			case REPLICA_STATUS -> new ReplicaStatusLagProbe();
			default -> new HeartbeatLagProbe(capacity, maxLag, this.settings.heartbeatTable(),
					this.settings.createHeartbeatTable());
		};
	}

	/**
	 * Records the primary's position. Only failing to reach it, twice running (or once, when the
	 * application's own pool reports it), marks it down; a statement that fails on a primary that
	 * answers (a dropped heartbeat table, a GTID set too long to parse) stops recording positions
	 * and is reported once, but never stops writes.
	 */
	private void checkPrimary(boolean first) {
		if (!this.running) {
			return;
		}
		long started = System.nanoTime();
		synchronized (this.primary) {
			try {
				Connection connection = this.primary.connection();
				if (!this.primaryPrepared) {
					prepare(connection, first);
					this.primaryPrepared = true;
				}
				// Taken before the statement is sent: every commit before this moment is in what it reads.
				long sentMillis = System.currentTimeMillis();
				this.probe.recordPrimary(connection);
				publishPrimaryPosition(this.probe.primaryExecuted(), sentMillis);
				if (this.primaryGtidMode == null) {
					readPrimaryGtidMode(connection);
				}
				this.primaryFailures = 0;
				primaryUp(started);
				this.primaryStatementFailure.set(false);
			}
			catch (SQLException ex) {
				if (this.primaryGtidMode == null) {
					this.gtidModeListener.gtidModeUnread(this.primary.describe(ex));
				}
				if (isConnectionFailure(ex)) {
					this.primary.reset();
					if (++this.primaryFailures >= 2 || first) {
						primaryDown("unreachable: " + this.primary.describe(ex), started);
					}
				}
				else {
					primaryStatementFailed(ex);
				}
			}
			catch (IllegalArgumentException ex) {
				if (this.primaryGtidMode == null) {
					this.gtidModeListener.gtidModeUnread(this.primary.describe(ex));
				}
				primaryStatementFailed(ex);
			}
		}
	}

	/**
	 * Read once, on the monitor's own connection, after the first good check: write barriers and
	 * {@code consistency.mode=auto} depend on it, and the primary's gtid_mode changes only with a
	 * server reconfiguration that a restart of the application follows.
	 */
	private void readPrimaryGtidMode(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT @@global.gtid_mode")) {
			rs.next();
			String mode = rs.getString(1);
			this.primaryGtidMode = mode;
			this.router.setPrimaryHasGtids("ON".equalsIgnoreCase(mode));
			this.gtidModeListener.gtidModeRead(mode);
		}
	}

	private void primaryStatementFailed(Exception ex) {
		if (ex instanceof SQLException sql && sql.getErrorCode() == ER_NO_SUCH_TABLE) {
			// The heartbeat table went away: create it again at the next tick.
			this.primaryPrepared = false;
		}
		if (this.primaryStatementFailure.compareAndSet(false, true)) {
			logger.warn("rwsplit: the monitor could not record the primary's position (" + this.primary.describe(ex)
					+ "); replica lag cannot be measured until it can");
		}
	}

	private void prepare(Connection connection, boolean first) throws SQLException {
		try {
			this.probe.prepare(connection);
		}
		catch (SQLException ex) {
			if (ex.getErrorCode() == ER_TABLEACCESS_DENIED_ERROR) {
				RwsplitConfigurationException problem = new RwsplitConfigurationException("rwsplit.monitor.lag-source",
						"the heartbeat lag source needs table " + this.settings.heartbeatTable() + " on the primary, and "
								+ "the monitor's account may not create or write it: " + this.primary.describe(ex),
						"Create it once (" + HeartbeatLagProbe.ddl(this.settings.heartbeatTable()) + "), grant the "
								+ "monitor's account INSERT, UPDATE, DELETE on it and set "
								+ "rwsplit.monitor.create-heartbeat-table=false; or grant CREATE on the schema; or use "
								+ "rwsplit.monitor.lag-source=gtid.");
				if (first) {
					throw problem;
				}
				logger.warn(problem.getMessage() + " " + problem.getAction());
			}
			throw ex;
		}
	}

	private void checkReplica(MonitoredNode replica, boolean first) {
		if (!this.running) {
			return;
		}
		CheckResult result;
		Instant measuredAt;
		synchronized (replica) {
			measuredAt = Instant.now();
			result = measure(replica, first);
			// At start-up a healthy replica may not have applied the very first recorded position yet:
			// give it the length of one check to do so before judging it.
			long deadline = System.nanoTime() + this.settings.checkTimeout().toNanos();
			while (first && result.reachable() && result.lagNanos() < 0 && !result.primaryUnseen()
					&& System.nanoTime() < deadline) {
				sleepBriefly();
				measuredAt = Instant.now();
				result = measure(replica, false);
			}
		}
		if (update(replica.name(), result, measuredAt)) {
			abortReadsOn(replica.name());
		}
	}

	/**
	 * A replica does not answer: the application's connections to it that wait for a statement's
	 * results are aborted, so those reads fail now (and run again elsewhere) instead of when the
	 * server answers, if ever; its idle connections are evicted. Outside the monitor's lock: each
	 * abort closes a socket, and nothing here waits for the server.
	 */
	private void abortReadsOn(String replica) {
		int aborted = InFlightStatements.abortInFlight(this.router.getId(), replica);
		DataSource pool = this.router.view().pool(replica);
		if (pool instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() != null) {
			hikari.getHikariPoolMXBean().softEvictConnections();
		}
		if (aborted > 0) {
			logger.warn("rwsplit: aborted " + aborted + " statement" + ((aborted == 1) ? "" : "s") + " in flight on "
					+ "unreachable replica '" + replica + "'");
		}
	}

	private CheckResult measure(MonitoredNode replica, boolean first) {
		try {
			return this.probe.check(replica.connection());
		}
		catch (MisconfiguredNodeException ex) {
			if (first) {
				this.misconfiguredListener.misconfiguredAtStartup(replica.name(), ex.problem());
			}
			return CheckResult.misconfigured(ex.problem().describe());
		}
		catch (SQLException ex) {
			replica.reset();
			if (ex.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED_ERROR && first) {
				throw new RwsplitConfigurationException("rwsplit.monitor.lag-source",
						"the replica-status lag source runs SHOW REPLICA STATUS, which the monitor's account may not: "
								+ replica.describe(ex),
						"Grant it REPLICATION CLIENT, set rwsplit.monitor.username/password to an account that has it, "
								+ "or use rwsplit.monitor.lag-source=gtid or heartbeat.");
			}
			return isConnectionFailure(ex) ? CheckResult.unreachable(replica.describe(ex))
					: CheckResult.unknownLag("check failed: " + replica.describe(ex));
		}
		catch (RuntimeException ex) {
			return CheckResult.unknownLag("check failed: " + replica.describe(ex));
		}
	}

	private static void sleepBriefly() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** @return whether the replica is unreachable after this result, so its reads in flight must end */
	private synchronized boolean update(String replica, CheckResult result, Instant measuredAt) {
		if (!this.running) {
			return false;
		}
		ReplicaHealth previous = this.health.get(replica);
		ReplicaHealth next = this.stateMachine.next(previous, result, measuredAt,
				this.unseenPrimaryAdmission.admits(result, this.primaryStatementFailure.get()));
		transition(previous, next);
		publish();
		return !result.reachable() && next.state() == ReplicaState.DOWN;
	}

	/**
	 * The primary answered a check that started at {@code checkStarted}. A check that began before
	 * the latest "down" report says nothing about whether the primary came back since.
	 */
	private synchronized void primaryUp(long checkStarted) {
		if (this.primaryDownReason != null && checkStarted - this.primaryDownSince > 0) {
			this.primaryDownReason = null;
			logger.info("rwsplit: primary '" + this.primary.name() + "' answers again");
			publish();
		}
	}

	private synchronized void primaryDown(String reason, long since) {
		if (this.primaryDownReason == null) {
			logger.warn("rwsplit: primary '" + this.primary.name() + "' is down (" + reason
					+ "); work that needs it fails at once until it answers");
		}
		this.primaryDownReason = reason;
		this.primaryDownSince = since;
		publish();
	}

	/**
	 * @param state a state out of rotation
	 * @return how many times a replica in rotation was taken out into that state
	 */
	public java.util.concurrent.atomic.LongAdder ejections(ReplicaState state) {
		return this.ejections[state.ordinal()];
	}

	private void transition(ReplicaHealth previous, ReplicaHealth next) {
		this.health.put(next.name(), next);
		if (previous.state().inRotation() && !next.state().inRotation()) {
			this.ejections[next.state().ordinal()].increment();
		}
		if (!previous.state().inRotation() && next.state().inRotation()) {
			// Back in rotation: slow start ramps its share from now (0 means "not ramping").
			this.rotationSince.put(next.name(), System.nanoTime() | 1);
		}
		if (previous.state() != next.state()) {
			if (next.state() == ReplicaState.HEALTHY) {
				logger.info("rwsplit: replica '" + next.name() + "' back in rotation (was " + previous.state() + ")");
			}
			else {
				logger.warn("rwsplit: replica '" + next.name() + "' out of rotation (" + next.state() + "): " + next.reason());
			}
		}
	}

	/**
	 * Gives the router the primary's executed set at every tick, so that read-your-writes can
	 * tell a transaction that is merely new from one the primary never executed (a forged token).
	 */
	private synchronized void publishPrimaryPosition(io.github.rwsplit.gtid.GtidSet executed, long measuredAtMillis) {
		if (executed == null) {
			return;
		}
		this.primaryExecuted = executed;
		this.primaryMeasuredAtMillis = measuredAtMillis;
		this.router.setTopology(this.router.getTopology().withPrimaryPosition(executed, measuredAtMillis));
	}

	/** Publishes the current knowledge to the router and to {@link #snapshot()}. */
	private synchronized void publish() {
		long now = System.nanoTime();
		long slowStart = this.router.view().slowStart().toNanos();
		List<ReplicaNode> inRotation = new ArrayList<>();
		List<RoutingTopology.Exclusion> exclusions = new ArrayList<>();
		for (ReplicaNode replica : this.router.getReplicas()) {
			ReplicaHealth replicaHealth = this.health.get(replica.name());
			if (replicaHealth == null || replicaHealth.state().inRotation()) {
				ReplicaNode node = (replicaHealth != null) ? replica.withHealth(replicaHealth.lagNanos(),
						replicaHealth.gtidExecuted(),
						(replicaHealth.lastCheck() != null) ? replicaHealth.lastCheck().toEpochMilli() : 0) : replica;
				inRotation.add(rampIfStarting(node, now, slowStart));
			}
			else {
				this.rotationSince.remove(replica.name());
				exclusions.add(new RoutingTopology.Exclusion(replica.name(), replica.group(),
						replicaHealth.state().name(), replicaHealth.reason()));
			}
		}
		RoutingTopology current = this.router.getTopology();
		this.router.setTopology(new RoutingTopology(current.primary(), this.primaryDownReason, current.defaultGroup(),
				inRotation, exclusions, this.primaryExecuted, this.primaryMeasuredAtMillis));
		LagProbe activeProbe = this.probe;
		this.snapshot = new MonitorSnapshot((activeProbe != null) ? activeProbe.source() : this.settings.lagSource(),
				this.primary.name(), this.primaryDownReason, List.copyOf(this.health.values()));
	}

	/** A replica that entered rotation less than a slow-start window ago ramps its share up. */
	private ReplicaNode rampIfStarting(ReplicaNode node, long now, long slowStart) {
		Long since = this.rotationSince.get(node.name());
		if (since == null) {
			return node;
		}
		if (now - since >= slowStart) {
			this.rotationSince.remove(node.name());
			return node;
		}
		return node.withSlowStart(since);
	}

	private String describeRotation() {
		StringBuilder text = new StringBuilder();
		for (ReplicaHealth replicaHealth : this.snapshot.replicas()) {
			text.append(text.isEmpty() ? "" : ", ").append(replicaHealth.name()).append(' ').append(replicaHealth.state());
		}
		if (this.primaryDownReason != null) {
			text.append("; primary down: ").append(this.primaryDownReason);
		}
		return text.toString();
	}

	static boolean isConnectionFailure(SQLException ex) {
		String state = ex.getSQLState();
		return state != null && state.startsWith("08");
	}


}
