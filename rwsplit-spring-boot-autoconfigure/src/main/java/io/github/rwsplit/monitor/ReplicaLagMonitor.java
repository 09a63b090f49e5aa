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
import org.jspecify.annotations.Nullable;

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

	/** Every node the monitor checks, by name: the configured primary first, then the replicas. */
	private volatile Map<String, MonitoredNode> nodes = Map.of();

	/** Each node's {@code server_uuid}, as its role checks read it. */
	private final Map<String, String> uuids = new ConcurrentHashMap<>();

	/** Nodes seen as ONLINE members of a group: OFFLINE from then on means they left it. */
	private final Set<String> groupMembers = ConcurrentHashMap.newKeySet();

	private volatile @Nullable MemberDiscovery memberDiscovery;

	/** Member uuids already handed to {@link #memberDiscovery}, successfully or not. */
	private final Set<String> discoveredUuids = ConcurrentHashMap.newKeySet();

	/** When the group's member list was last read ({@link System#nanoTime()}); 0 for never. */
	private volatile long membersReadAt;

	/** The node believed to be the primary now; written under this monitor's lock. */
	private volatile String primaryName;

	private final PrimaryTracker primaryTracker;

	private final RoleProbe roleProbe = new RoleProbe();

	private volatile boolean followPrimary = true;

	private volatile RoutingTopology.PrimaryStatus primaryStatus = RoutingTopology.PrimaryStatus.UP;

	/** Nodes that were the primary during this run: they serve reads only once read-only and replicating. */
	private final Set<String> formerPrimaries = ConcurrentHashMap.newKeySet();

	private final java.util.concurrent.atomic.AtomicLong primaryChanges = new java.util.concurrent.atomic.AtomicLong();

	private volatile MonitorSnapshot.PrimaryChange lastPrimaryChange;

	/** Whether the primary's position was recorded since the primary last moved; guarded by this monitor. */
	private boolean positionSinceMove = true;

	/** When the primary last moved ({@link System#nanoTime()}). */
	private long movedAtNanos;

	/** When each non-primary node's lag was last measured ({@link System#nanoTime()}). */
	private final Map<String, Long> lastReplicaCheck = new ConcurrentHashMap<>();

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
		Map<String, MonitoredNode> nodes = new LinkedHashMap<>();
		nodes.put(primary.name(), primary.toNode(settings));
		this.primaryName = primary.name();
		this.primaryTracker = new PrimaryTracker(primary.name(), (node) -> router.writerPool(node) != null);
		for (Endpoint replica : replicas) {
			nodes.put(replica.name(), replica.toNode(settings));
			this.health.put(replica.name(), ReplicaHealth.unchecked(replica.name()));
		}
		this.nodes = java.util.Collections.unmodifiableMap(nodes);
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
	public record Endpoint(String name, String url, @Nullable String username, @Nullable String password,
			Properties driverProperties) {

		/**
		 * An endpoint with no extra driver properties.
		 * @param name the node's name
		 * @param url its JDBC URL
		 * @param username the login user, or {@code null}
		 * @param password the login password, or {@code null}
		 */
		public Endpoint(String name, String url, @Nullable String username, @Nullable String password) {
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

	/**
	 * @param follow whether the monitor reads every node's role at every check and moves the primary
	 * to the node that became writable ({@code rwsplit.topology.follow-primary}); set before {@link #start()}
	 */
	public void setFollowPrimary(boolean follow) {
		this.followPrimary = follow;
	}

	/**
	 * @param discovery turns Group Replication members no configuration names into nodes
	 * ({@code rwsplit.topology.member-url-template}); {@code null} to discover none. Set before {@link #start()}.
	 */
	public void setMemberDiscovery(@Nullable MemberDiscovery discovery) {
		this.memberDiscovery = discovery;
	}

	private MonitoredNode primaryNode() {
		return this.nodes.get(this.primaryName);
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
		// What the router was told before the monitor started (a primary found down at start-up, say).
		RoutingTopology initial = this.router.getTopology();
		if (initial.primary().equals(this.primaryName)) {
			this.primaryStatus = initial.primaryStatus();
			this.primaryDownReason = initial.primaryDownReason();
		}
		this.primaryPrepared = false;
		this.primaryGtidMode = null;
		this.primaryFailures = 0;
		this.probe = createProbe(resolveLagSource());
		AtomicInteger threads = new AtomicInteger();
		this.executor = new ScheduledThreadPoolExecutor(this.nodes.size() + 1, (task) -> {
			Thread thread = new Thread(task, "rwsplit-monitor-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.executor.setRemoveOnCancelPolicy(true);
		this.running = true;
		// A first round before the application takes traffic, so that rotation is right from the start.
		try {
			checkPrimary(primaryNode(), true);
		}
		catch (RuntimeException ex) {
			stopChecks();
			throw ex;
		}
		List<Future<?>> first = new ArrayList<>();
		for (MonitoredNode node : this.nodes.values()) {
			if (!node.name().equals(this.primaryName)) {
				first.add(this.executor.submit(() -> checkReplica(node, true)));
			}
		}
		for (Future<?> check : first) {
			awaitFirstCheck(check);
		}
		if (!this.primaryName.equals(this.router.configuredPrimary())) {
			// Started after a switchover with the old configuration: the first round found the primary elsewhere.
			checkPrimary(primaryNode(), false);
		}
		// One task per node at the primary's cadence: the node that is the primary now records its
		// position and role each time; the others are measured once their interval is due. Fixed
		// delays: a slow check postpones the next one instead of causing a burst of catch-up checks.
		long primaryPeriod = this.settings.primaryInterval().toNanos();
		for (MonitoredNode node : this.nodes.values()) {
			this.executor.scheduleWithFixedDelay(guarded(() -> tick(node)), primaryPeriod, primaryPeriod,
					TimeUnit.NANOSECONDS);
		}
		logger.info("rwsplit: lag monitor started (" + this.probe.source().name().toLowerCase(java.util.Locale.ROOT)
				+ ", every " + this.settings.interval().toMillis() + " ms, max-lag "
				+ this.settings.thresholds().maxLag().toMillis() + " ms): " + describeRotation());
	}

	/** One node's periodic task: the primary's check, or a replica's when its interval is due. */
	private void tick(MonitoredNode node) {
		if (node.name().equals(this.primaryName)) {
			checkPrimary(node, false);
			return;
		}
		Long last = this.lastReplicaCheck.get(node.name());
		if (last == null || System.nanoTime() - last >= this.settings.interval().toNanos() - this.settings.primaryInterval().toNanos() / 2) {
			checkReplica(node, false);
		}
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
		this.nodes.values().forEach(MonitoredNode::close);
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
		if (current == null || replica.equals(this.primaryName)) {
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
		if (node.equals(this.primaryName)) {
			primaryDown(node, "connection refused at checkout: " + primaryNode().describe(failure), System.nanoTime());
			return;
		}
		MonitoredNode replica = this.nodes.get(node);
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
		checkSoon(node);
	}

	/**
	 * A connection of the primary's pool was refused a write as read-only: the primary may have
	 * changed. Its role is checked again at once, and the pool's idle connections are evicted.
	 */
	@Override
	public void primaryReadOnly(String node, SQLException failure) {
		checkSoon(node);
		evictIdle(this.router.writerPool(node));
	}

	/** Checks a node again at once, on the monitor's threads; at most one such check queued per node. */
	private void checkSoon(String node) {
		MonitoredNode monitored = this.nodes.get(node);
		ScheduledThreadPoolExecutor current = this.executor;
		if (!this.running || monitored == null || current == null || !this.recheckPending.add(node)) {
			return;
		}
		try {
			current.execute(guarded(() -> {
				this.recheckPending.remove(node);
				if (node.equals(this.primaryName)) {
					checkPrimary(monitored, false);
				}
				else {
					checkReplica(monitored, false);
				}
			}));
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			this.recheckPending.remove(node);
		}
	}

	/**
	 * Starts a lazy writer pool on a monitor thread, so that the first write after a move does not
	 * start it (under HikariCP's lock) on the application's thread. Bounded by the pool's timeout.
	 */
	private void warm(DataSource pool) {
		ScheduledThreadPoolExecutor current = this.executor;
		if (pool == null || current == null) {
			return;
		}
		try {
			current.execute(() -> {
				try (Connection connection = pool.getConnection()) {
					// Opened and returned: the pool is running.
				}
				catch (SQLException | RuntimeException ex) {
					// The first write will say what is wrong.
				}
			});
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// Stopping.
		}
	}

	private static void evictIdle(DataSource pool) {
		if (pool instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() != null) {
			hikari.getHikariPoolMXBean().softEvictConnections();
		}
	}

	private LagSource resolveLagSource() {
		if (this.settings.lagSource() != LagSource.AUTO) {
			return this.settings.lagSource();
		}
		List<MonitoredNode> nodes = new ArrayList<>();
		nodes.add(primaryNode());
		this.nodes.values().stream().filter((node) -> node != primaryNode()).forEach(nodes::add);
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
	private void checkPrimary(MonitoredNode node, boolean first) {
		if (!this.running) {
			return;
		}
		long started = System.nanoTime();
		List<RoleProbe.Member> newMembers = List.of();
		synchronized (node) {
			if (!node.name().equals(this.primaryName)) {
				// The primary moved while this check was queued: the node is measured as a replica now.
				return;
			}
			try {
				Connection connection = node.connection();
				if (this.followPrimary) {
					NodeRole role = this.roleProbe.read(connection);
					noteMembership(node.name(), role);
					observeRole(node.name(), PrimaryTracker.Observation.of(role, started, System.nanoTime()));
					this.primaryFailures = 0;
					if (!node.name().equals(this.primaryName) || this.primaryStatus != RoutingTopology.PrimaryStatus.UP) {
						// Not (or not yet) a writable primary: nothing to record; a heartbeat would be refused.
						return;
					}
				}
				LagProbe activeProbe = this.probe;
				if (!this.primaryPrepared) {
					prepare(connection, first, node);
					// Prepared on this node only if it is still the one the probe measures against.
					this.primaryPrepared = (activeProbe == this.probe);
				}
				// Taken before the statement is sent: every commit before this moment is in what it reads.
				long sentMillis = System.currentTimeMillis();
				activeProbe.recordPrimary(connection);
				publishPrimaryPosition(activeProbe, activeProbe.primaryExecuted(), sentMillis);
				if (this.primaryGtidMode == null) {
					readPrimaryGtidMode(connection);
				}
				this.primaryFailures = 0;
				primaryUp(node.name(), started);
				this.primaryStatementFailure.set(false);
				newMembers = readMembersIfDue(connection);
			}
			catch (SQLException ex) {
				if (!node.name().equals(this.primaryName)) {
					// The primary moved during this check: its failures are the old node's, counted elsewhere.
					node.reset();
					return;
				}
				if (this.primaryGtidMode == null) {
					this.gtidModeListener.gtidModeUnread(node.describe(ex));
				}
				if (isConnectionFailure(ex)) {
					node.reset();
					if (++this.primaryFailures >= 2 || first) {
						primaryDown(node.name(), "unreachable: " + node.describe(ex), started);
					}
				}
				else {
					primaryStatementFailed(node, ex);
				}
			}
			catch (IllegalArgumentException ex) {
				if (this.primaryGtidMode == null) {
					this.gtidModeListener.gtidModeUnread(node.describe(ex));
				}
				primaryStatementFailed(node, ex);
			}
		}
		for (RoleProbe.Member member : newMembers) {
			addMember(member);
		}
	}

	/** Remembers a node's uuid and whether it is an ONLINE group member. */
	private void noteMembership(String node, NodeRole role) {
		if (role.serverUuid() != null) {
			this.uuids.put(node, role.serverUuid());
		}
		if ("ONLINE".equals(role.memberState())) {
			this.groupMembers.add(node);
		}
	}

	/**
	 * Every interval, while discovery is on and the primary is a group member: the members no node
	 * is, once every node's uuid is known (a node never checked might be any of them).
	 */
	private List<RoleProbe.Member> readMembersIfDue(Connection connection) throws SQLException {
		if (this.memberDiscovery == null || !this.groupMembers.contains(this.primaryName)
				|| System.nanoTime() - this.membersReadAt < this.settings.interval().toNanos()) {
			return List.of();
		}
		this.membersReadAt = System.nanoTime();
		if (!this.uuids.keySet().containsAll(this.nodes.keySet())) {
			return List.of();
		}
		List<RoleProbe.Member> members = new ArrayList<>();
		for (RoleProbe.Member member : this.roleProbe.members(connection)) {
			boolean serving = "ONLINE".equals(member.state()) || "RECOVERING".equals(member.state());
			if (serving && member.uuid() != null && !this.uuids.containsValue(member.uuid())
					&& !this.discoveredUuids.contains(member.uuid())) {
				members.add(member);
			}
		}
		return members;
	}

	/**
	 * A member of the group that no node is: the discovery makes it a node, and the monitor checks
	 * it like a replica from now on; it joins rotation after the usual good checks.
	 */
	private void addMember(RoleProbe.Member member) {
		if (!this.discoveredUuids.add(member.uuid()) || !this.running) {
			return;
		}
		Endpoint endpoint;
		try {
			endpoint = this.memberDiscovery.discovered(member.host(), member.port());
		}
		catch (RuntimeException ex) {
			logger.warn("rwsplit: could not add Group Replication member " + member.host() + ":" + member.port() + " ("
					+ member.uuid() + "): " + ex.getMessage());
			return;
		}
		MonitoredNode node = endpoint.toNode(this.settings);
		synchronized (this) {
			if (!this.running || this.nodes.containsKey(endpoint.name())) {
				node.close();
				return;
			}
			Map<String, MonitoredNode> more = new LinkedHashMap<>(this.nodes);
			more.put(endpoint.name(), node);
			this.nodes = java.util.Collections.unmodifiableMap(more);
			this.uuids.put(endpoint.name(), member.uuid());
			this.health.put(endpoint.name(), new ReplicaHealth(endpoint.name(), ReplicaState.LAGGING,
					"discovered in the group; joins rotation after " + this.settings.thresholds().recoveryChecks()
							+ " good checks",
					-1, null, 0, null));
			ScheduledThreadPoolExecutor current = this.executor;
			current.setCorePoolSize(this.nodes.size() + 1);
			long period = this.settings.primaryInterval().toNanos();
			current.scheduleWithFixedDelay(guarded(() -> tick(node)), 0, period, TimeUnit.NANOSECONDS);
			logger.info("rwsplit: discovered Group Replication member '" + endpoint.name() + "' (" + member.host() + ":"
					+ member.port() + ", " + member.state() + "); it serves reads once its checks are good");
			publish();
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

	private void primaryStatementFailed(MonitoredNode node, Exception ex) {
		if (ex instanceof SQLException sql && sql.getErrorCode() == ER_NO_SUCH_TABLE) {
			// The heartbeat table went away: create it again at the next tick.
			this.primaryPrepared = false;
		}
		if (this.primaryStatementFailure.compareAndSet(false, true)) {
			logger.warn("rwsplit: the monitor could not record the primary's position (" + node.describe(ex)
					+ "); replica lag cannot be measured until it can");
		}
	}

	private void prepare(Connection connection, boolean first, MonitoredNode node) throws SQLException {
		try {
			this.probe.prepare(connection);
		}
		catch (SQLException ex) {
			if (ex.getErrorCode() == ER_TABLEACCESS_DENIED_ERROR) {
				RwsplitConfigurationException problem = new RwsplitConfigurationException("rwsplit.monitor.lag-source",
						"the heartbeat lag source needs table " + this.settings.heartbeatTable() + " on the primary, and "
								+ "the monitor's account may not create or write it: " + node.describe(ex),
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
		String name = replica.name();
		synchronized (replica) {
			if (name.equals(this.primaryName)) {
				return;
			}
			this.lastReplicaCheck.put(name, System.nanoTime());
			long started = System.nanoTime();
			measuredAt = Instant.now();
			Measured measured = measure(replica, first);
			result = measured.result();
			// At start-up a healthy replica may not have applied the very first recorded position yet:
			// give it the length of one check to do so before judging it.
			long deadline = System.nanoTime() + this.settings.checkTimeout().toNanos();
			while (first && result.reachable() && result.lagNanos() < 0 && !result.primaryUnseen()
					&& measured.role() != null && !measured.role().primaryCandidate() && System.nanoTime() < deadline) {
				sleepBriefly();
				measuredAt = Instant.now();
				measured = measure(replica, false);
				result = measured.result();
			}
			NodeRole role = measured.role();
			if (role != null) {
				noteMembership(name, role);
			}
			if (this.followPrimary) {
				observeRole(name, (role != null) ? PrimaryTracker.Observation.of(role, started, System.nanoTime())
						: PrimaryTracker.Observation.down(result.detail(), started));
				if (name.equals(this.primaryName)) {
					// This node is the primary now: it is checked as one from its next tick.
					return;
				}
				result = judgeRole(name, role, result);
			}
		}
		if (update(name, result, measuredAt)) {
			abortReadsOn(name);
		}
	}

	/**
	 * What a non-primary node's role adds to its check: a group member that is not ONLINE, a node
	 * that was the primary and does not replicate yet, or a writable node replicating from no one
	 * (a second primary) serves no reads.
	 */
	private CheckResult judgeRole(String name, NodeRole role, CheckResult result) {
		if (role == null || !result.reachable()) {
			return result;
		}
		if (!role.serving()) {
			return CheckResult.unknownLag("Group Replication member " + role.memberState());
		}
		if (this.groupMembers.contains(name) && !role.groupMember()) {
			return CheckResult.unknownLag("left its Group Replication group (member state "
					+ ((role.memberState() == null || role.memberState().isEmpty()) ? "none" : role.memberState()) + ")");
		}
		if (role.primaryCandidate() && role.replicationKnown()) {
			return CheckResult.unknownLag("writable and replicating from no server: not a replica (" + role.describe() + ")");
		}
		// Without performance_schema the monitor cannot see replication; the lag probe then stands in:
		// a former primary that stops receiving the new primary's writes falls behind and stays out.
		if (this.formerPrimaries.contains(name) && !role.groupMember() && !role.replicating()
				&& !this.roleProbe.flagsOnly()) {
			return CheckResult.unknownLag("was the primary; serves reads once it replicates from the new one ("
					+ role.describe() + ")");
		}
		return result;
	}

	/**
	 * A replica does not answer: the application's connections to it that wait for a statement's
	 * results are aborted, so those reads fail now (and run again elsewhere) instead of when the
	 * server answers, if ever; its idle connections are evicted. Outside the monitor's lock: each
	 * abort closes a socket, and nothing here waits for the server.
	 */
	private void abortReadsOn(String replica) {
		int aborted = InFlightStatements.abortInFlight(this.router.getId(), replica);
		ReplicaNode reader = this.router.readerNode(replica);
		if (reader != null) {
			evictIdle(reader.dataSource());
		}
		if (aborted > 0) {
			logger.warn("rwsplit: aborted " + aborted + " statement" + ((aborted == 1) ? "" : "s") + " in flight on "
					+ "unreachable replica '" + replica + "'");
		}
	}

	/**
	 * One check of a node that is not the primary: its lag, and its role when roles are followed.
	 * @param result the lag check
	 * @param role the role it read, or {@code null} (not followed, or the node did not answer)
	 */
	private record Measured(CheckResult result, @Nullable NodeRole role) {
	}

	private Measured measure(MonitoredNode replica, boolean first) {
		NodeRole role = null;
		try {
			Connection connection = replica.connection();
			role = this.followPrimary ? this.roleProbe.read(connection) : null;
			return new Measured(this.probe.check(connection), role);
		}
		catch (MisconfiguredNodeException ex) {
			if (first) {
				this.misconfiguredListener.misconfiguredAtStartup(replica.name(), ex.problem());
			}
			return new Measured(CheckResult.misconfigured(ex.problem().describe()), role);
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
			return new Measured(isConnectionFailure(ex) ? CheckResult.unreachable(replica.describe(ex))
					: CheckResult.unknownLag("check failed: " + replica.describe(ex)), role);
		}
		catch (RuntimeException ex) {
			return new Measured(CheckResult.unknownLag("check failed: " + replica.describe(ex)), role);
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
		if (replica.equals(this.primaryName)) {
			return false;
		}
		ReplicaHealth previous = this.health.get(replica);
		String admitted = this.unseenPrimaryAdmission.admits(result, this.primaryStatementFailure.get());
		if (admitted == null && result.primaryUnseen() && !this.positionSinceMove && !this.primaryStatementFailure.get()
				&& System.nanoTime() - this.movedAtNanos < this.settings.interval().toNanos() * 2) {
			admitted = "the primary moved to '" + this.primaryName + "' and its first position is being recorded";
		}
		ReplicaHealth next = this.stateMachine.next(previous, result, measuredAt, admitted);
		transition(previous, next);
		publish();
		return !result.reachable() && next.state() == ReplicaState.DOWN;
	}

	/**
	 * The primary answered a check that started at {@code checkStarted}. A check that began before
	 * the latest "down" report says nothing about whether the primary came back since. While roles
	 * are followed, the role the check read has decided already.
	 */
	private synchronized void primaryUp(String node, long checkStarted) {
		if (!this.followPrimary && node.equals(this.primaryName)
				&& this.primaryStatus == RoutingTopology.PrimaryStatus.DOWN && checkStarted - this.primaryDownSince > 0) {
			applyDecision(this.primaryTracker.observe(node,
					PrimaryTracker.Observation.of(ASSUMED_WRITABLE, checkStarted, System.nanoTime())));
		}
	}

	/** What a primary that answers is taken to be when roles are not followed. */
	private static final NodeRole ASSUMED_WRITABLE = new NodeRole(false, false, false, null, null);

	private synchronized void primaryDown(String node, String reason, long since) {
		if (!node.equals(this.primaryName)) {
			return;
		}
		this.primaryDownSince = since;
		observeRole(node, PrimaryTracker.Observation.down(reason, since));
	}

	private synchronized void observeRole(String node, PrimaryTracker.Observation observation) {
		applyDecision(this.primaryTracker.observe(node, observation));
	}

	/** Acts on what the tracker decided: moves the primary, logs each change of status once, publishes. */
	private synchronized void applyDecision(PrimaryTracker.Decision decision) {
		if (!this.running) {
			return;
		}
		boolean changed = false;
		if (decision.movedFrom() != null) {
			movePrimary(decision.movedFrom(), decision.primary(), decision.moveReason());
			changed = true;
		}
		RoutingTopology.PrimaryStatus before = this.primaryStatus;
		if (decision.status() != before || !java.util.Objects.equals(decision.reason(), this.primaryDownReason)) {
			this.primaryStatus = decision.status();
			this.primaryDownReason = decision.reason();
			if (decision.status() != before) {
				logStatus(decision, before);
			}
			changed = true;
		}
		if (changed) {
			publish();
		}
		if (decision.recheck() != null) {
			checkSoon(decision.recheck());
		}
	}

	private void logStatus(PrimaryTracker.Decision decision, RoutingTopology.PrimaryStatus before) {
		String primary = decision.primary();
		switch (decision.status()) {
			case UP -> logger.info("rwsplit: primary '" + primary + "' is writable" + ((before == null) ? "" : " (was "
					+ before + ")"));
			case DOWN -> logger.warn("rwsplit: primary '" + primary + "' is down (" + decision.reason()
					+ "); write work waits up to rwsplit.topology.await-primary-timeout for a writable primary, then fails");
			case CHANGING -> logger.warn("rwsplit: no writable primary: " + decision.reason()
					+ "; write work waits up to rwsplit.topology.await-primary-timeout, then fails");
			case SPLIT_BRAIN -> logger.error("rwsplit: split brain: " + decision.reason()
					+ "; writes are refused until one of them is read-only again");
		}
	}

	/**
	 * Writes go to another node from now on. The node that was the primary serves reads once it is
	 * read-only and replicating; the lag probe starts afresh on the new primary (positions of the old
	 * one that never reached the new one would make every replica look behind for ever).
	 */
	private void movePrimary(String from, String to, String why) {
		this.primaryName = to;
		this.formerPrimaries.add(from);
		this.formerPrimaries.remove(to);
		this.primaryChanges.incrementAndGet();
		this.lastPrimaryChange = new MonitorSnapshot.PrimaryChange(from, to, why, Instant.now());
		boolean reads = this.router.readerNode(from) != null;
		logger.warn("rwsplit: the primary moved from '" + from + "' to '" + to + "' (" + why + "); writes go to '" + to
				+ "' now" + (reads ? "; '" + from + "' serves reads once it is read-only and replicating" : ""));
		this.health.put(from, new ReplicaHealth(from, ReplicaState.LAGGING,
				"was the primary until " + this.lastPrimaryChange.at() + "; checked as a replica from now", -1, null, 0,
				null));
		this.rotationSince.remove(to);
		this.lastReplicaCheck.remove(from);
		LagProbe previous = this.probe;
		this.probe = createProbe(previous.source());
		this.primaryPrepared = false;
		this.primaryFailures = 0;
		this.positionSinceMove = false;
		this.movedAtNanos = System.nanoTime();
		this.primaryGtidMode = null;
		this.primaryExecuted = null;
		this.primaryMeasuredAtMillis = 0;
		evictIdle(this.router.writerPool(from));
		warm(this.router.writerPool(to));
		checkSoon(to);
	}

	/** @return how many times the primary moved to another node */
	public long primaryChanges() {
		return this.primaryChanges.get();
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
	private synchronized void publishPrimaryPosition(LagProbe from, io.github.rwsplit.gtid.GtidSet executed,
			long measuredAtMillis) {
		if (executed == null || from != this.probe) {
			return;
		}
		this.positionSinceMove = true;
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
		List<ReplicaHealth> replicaHealth = new ArrayList<>();
		for (String name : this.router.nodeNames()) {
			ReplicaHealth health = this.health.get(name);
			ReplicaNode replica = this.router.readerNode(name);
			boolean servesReads = health != null && !name.equals(this.primaryName) && health.state().inRotation();
			if (replica != null) {
				// Read-your-writes' learned knowledge of a replica lives no longer than a check that
				// could have found it reset (ReplicaNode#hasExecuted); the primary's read entry keeps none.
				replica.observeMeasured(servesReads ? health.gtidExecuted() : null, servesReads);
			}
			if (name.equals(this.primaryName) || health == null) {
				continue;
			}
			replicaHealth.add(health);
			if (replica != null && health.state().inRotation()) {
				ReplicaNode node = replica.withHealth(health.lagNanos(), health.gtidExecuted(),
						(health.lastCheck() != null) ? health.lastCheck().toEpochMilli() : 0);
				inRotation.add(rampIfStarting(node, now, slowStart));
			}
			else {
				this.rotationSince.remove(name);
				exclusions.add(new RoutingTopology.Exclusion(name, (replica != null) ? replica.group() : "default",
						health.state().name(), (replica != null) ? health.reason()
								: "was the primary; this router has no pool to read from it (rwsplit.topology.follow-primary is off)"));
			}
		}
		RoutingTopology current = this.router.getTopology();
		this.router.setTopology(new RoutingTopology(this.primaryName, this.primaryStatus, this.primaryDownReason,
				current.defaultGroup(), inRotation, exclusions, this.primaryExecuted, this.primaryMeasuredAtMillis));
		LagProbe activeProbe = this.probe;
		this.snapshot = new MonitorSnapshot((activeProbe != null) ? activeProbe.source() : this.settings.lagSource(),
				this.primaryName, this.primaryDownReason, List.copyOf(replicaHealth), this.primaryStatus,
				this.primaryChanges.get(), this.lastPrimaryChange);
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
