package io.github.rwsplit.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.monitor.ReplicaState;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.barrier.BarrierResult;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.routing.BalancingCounts;
import io.github.rwsplit.routing.RouteCounts;
import io.github.rwsplit.routing.RouteReason;
import io.github.rwsplit.routing.RoutingDiagnostics;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

/**
 * Binds rwsplit's meters. Names are the constants below; every meter has a description, a base
 * unit where it has one, and tags. Counters are function counters over the router's own
 * {@code LongAdder}s, gauges read the monitor's last snapshot: scraping costs no SQL, and the hot
 * path does no more than it does without metrics.
 *
 * <p>Per-node meters are bound for every node at start-up, whatever its role then, because the
 * primary may move: the {@code role} tag of {@link #ROUTE} is the node's configured role, and a
 * node's replica gauges read NaN while it is the primary.
 */
public class RwsplitMetrics implements MeterBinder {

	/** Connections handed out; tags {@code node}, {@code role}, {@code reason}. */
	public static final String ROUTE = "rwsplit.route";

	/** Reads that wanted a replica and did not get one; tag {@code reason}. */
	public static final String FALLBACK = "rwsplit.fallback";

	/** How far behind the primary a replica is, in seconds; NaN when unknown or while the node is the primary. Tag {@code replica}. */
	public static final String REPLICA_LAG = "rwsplit.replica.lag";

	/** A replica's state: 0 healthy, 1 lagging, 2 down, 3 drained, 4 misconfigured; NaN while the node is the primary. Tag {@code replica}. */
	public static final String REPLICA_STATE = "rwsplit.replica.state";

	/** Replicas taken out of rotation; tag {@code reason} (lagging, down, drained). */
	public static final String REPLICA_EJECTIONS = "rwsplit.replica.ejections";

	/** Read-your-writes waits on a replica; tag {@code outcome} (caught-up, timed-out). */
	public static final String CONSISTENCY_WAIT = "rwsplit.consistency.wait";

	/** Routing mistakes noticed; tag {@code kind}. */
	public static final String DIAGNOSTICS = "rwsplit.diagnostics";

	/** Whether writes have a writable primary: 1 yes, 0 no (it does not answer, none is writable, or two are). */
	public static final String PRIMARY_UP = "rwsplit.primary.up";

	/** Whether writes have a primary to go to: 0 up, 1 down, 2 changing, 3 split brain. */
	public static final String PRIMARY_STATUS = "rwsplit.primary.status";

	/** Times the monitor moved the primary to another node (switchover, failover, election). */
	public static final String PRIMARY_CHANGES = "rwsplit.primary.changes";

	/** 1 for the node writes go to now, 0 for the others; every node 0 while there is none. Tag {@code node}. */
	public static final String PRIMARY_NODE = "rwsplit.primary.node";

	/** Reads moved to another replica after one refused a connection. */
	public static final String CHECKOUT_RETRIES = "rwsplit.replica.checkout.retries";

	/**
	 * Read work run once more after its replica connection failed; tags {@code replica} (the node it
	 * failed on) and {@code outcome} (succeeded, failed).
	 */
	public static final String READ_RETRIES = "rwsplit.read.retries";

	private static final String POOL_PREFIX = "rwsplit-";

	private final ReadWriteRoutingDataSource router;

	private final @Nullable ReplicaLagMonitor monitor;

	private final List<HikariDataSource> pools;

	/** Response time of a replica's statements (moving average), in seconds; NaN when unknown. Tag {@code replica}. */
	public static final String REPLICA_RESPONSE_TIME = "rwsplit.replica.response.time";

	/** Share of its full portion of new reads a replica gets now: below 1 while it ramps up (slow start). */
	public static final String REPLICA_SLOW_START_SHARE = "rwsplit.replica.slow.start.share";

	/** Reads of sessions with sticky replicas; tag {@code outcome} (hit, assigned, moved, primary). */
	public static final String STICKY = "rwsplit.sticky";

	/** Reads the balancer gave a ramping replica that slow start sent elsewhere. */
	public static final String SLOW_START_DEFERRED = "rwsplit.slow.start.deferred";

	/** Write barriers; tag {@code outcome} (met, timed-out, too-few-replicas, no-gtid, nothing-to-await). */
	public static final String WRITE_BARRIER = "rwsplit.write.barrier";

	/** Reads whose consistency token required transactions the primary never executed. */
	public static final String UNEXECUTED_IGNORED = "rwsplit.consistency.unexecuted.ignored";

	private final TimersPerRegistry waitTimers = new TimersPerRegistry(CONSISTENCY_WAIT,
			"Read-your-writes waits for a replica to apply the session's writes", List.of("caught-up", "timed-out"));

	private final TimersPerRegistry barrierTimers = new TimersPerRegistry(WRITE_BARRIER,
			"Write barriers: waits for replicas to apply a write",
			Arrays.stream(BarrierResult.Outcome.values()).map(BarrierResult.Outcome::tag).toList());

	private @Nullable WriteBarrier writeBarrier;

	/**
	 * Creates the binder.
	 * @param router the router
	 * @param monitor the lag monitor, or {@code null} when it is off
	 * @param pools the node pools, to give HikariCP's own metrics
	 */
	public RwsplitMetrics(ReadWriteRoutingDataSource router, @Nullable ReplicaLagMonitor monitor,
			List<HikariDataSource> pools) {
		this.router = router;
		this.monitor = monitor;
		this.pools = pools;
	}

	/**
	 * Also times write barriers.
	 * @param writeBarrier the barrier, or {@code null} when write barriers are off
	 * @return this binder
	 */
	public RwsplitMetrics withWriteBarrier(@Nullable WriteBarrier writeBarrier) {
		this.writeBarrier = writeBarrier;
		return this;
	}

	/**
	 * HikariCP tags its meters with the pool name ({@code rwsplit-replica-1}); this filter makes
	 * the tag the node name ({@code replica-1}), as on every other rwsplit meter.
	 * @return the filter
	 */
	public static MeterFilter poolTagIsNodeName() {
		return MeterFilter.replaceTagValues("pool",
				(pool) -> pool.startsWith(POOL_PREFIX) ? pool.substring(POOL_PREFIX.length()) : pool);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		RouteCounts counts = this.router.view().routeCounts();
		// By configuration, not by the topology of the moment: the monitor may already have moved
		// the primary, and a meter's tags cannot follow it later.
		for (String node : this.router.nodeNames()) {
			bindRoutes(registry, counts, node, node.equals(this.router.configuredPrimary()) ? "primary" : "replica");
		}
		for (RouteCounts.FallbackCause cause : RouteCounts.FallbackCause.values()) {
			FunctionCounter.builder(FALLBACK, counts.fallback(cause), LongAdder::sum)
				.description("Reads that wanted a replica and did not get one")
				.baseUnit("reads")
				.tag("reason", cause.tag())
				.register(registry);
		}
		FunctionCounter.builder(CHECKOUT_RETRIES, counts.checkoutRetries(), LongAdder::sum)
			.description("Reads moved to another replica after one refused a connection")
			.baseUnit("reads")
			.register(registry);
		for (String reader : readers()) {
			for (RouteCounts.RetryOutcome outcome : RouteCounts.RetryOutcome.values()) {
				FunctionCounter.builder(READ_RETRIES, counts.readRetries(reader, outcome), LongAdder::sum)
					.description("Read work run once more after its replica connection failed")
					.baseUnit("reads")
					.tag("replica", reader)
					.tag("outcome", outcome.tag())
					.register(registry);
			}
		}
		for (RoutingDiagnostics.Kind kind : RoutingDiagnostics.Kind.values()) {
			FunctionCounter.builder(DIAGNOSTICS, RoutingDiagnostics.count(kind), LongAdder::sum)
				.description("Routing mistakes rwsplit noticed")
				.tag("kind", kind.tag())
				.register(registry);
		}
		this.waitTimers.bindTo(registry);
		this.router.setConsistencyWaitRecorder((nanos, caughtUp) -> this.waitTimers.record(caughtUp ? 0 : 1, nanos));
		if (this.writeBarrier != null) {
			this.barrierTimers.bindTo(registry);
			this.writeBarrier.setRecorder(
					(result) -> this.barrierTimers.record(result.outcome().ordinal(), result.elapsed().toNanos()));
		}
		bindBalancing(registry);
		if (this.monitor != null) {
			bindMonitor(registry);
		}
		for (HikariDataSource pool : this.pools) {
			if (pool.getMetricsTrackerFactory() == null && pool.getMetricRegistry() == null) {
				pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
			}
		}
	}

	private static void bindRoutes(MeterRegistry registry, RouteCounts counts, String node, String role) {
		for (RouteReason reason : RouteReason.values()) {
			FunctionCounter.builder(ROUTE, counts.route(node, reason), LongAdder::sum)
				.description("Connections rwsplit handed out, by node and why")
				.baseUnit("connections")
				.tags(Tags.of("node", node, "role", role, "reason", reason.tag()))
				.register(registry);
		}
	}

	private void bindBalancing(MeterRegistry registry) {
		ReadWriteRoutingDataSource routing = this.router;
		for (String name : readers()) {
			// The router, not the node, is the gauge's (weakly held) object: a reader entry given by
			// setRolePools may be replaced.
			Gauge.builder(REPLICA_RESPONSE_TIME, routing, (r) -> responseTimeSeconds(r.readerNode(name)))
				.description("Moving average of the replica's statement response times; NaN when not measured lately")
				.baseUnit("seconds")
				.tag("replica", name)
				.register(registry);
			Gauge.builder(REPLICA_SLOW_START_SHARE, routing, (r) -> r.view().slowStartShare(name))
				.description("Share of its full portion of new reads the replica gets now; below 1 while it ramps up")
				.tag("replica", name)
				.register(registry);
		}
		BalancingCounts balancing = routing.view().balancingCounts();
		stickyCounter(registry, "hit", balancing.stickyHits);
		stickyCounter(registry, "assigned", balancing.stickyAssigned);
		stickyCounter(registry, "moved", balancing.stickyMoved);
		stickyCounter(registry, "primary", balancing.stickyPrimary);
		FunctionCounter.builder(SLOW_START_DEFERRED, balancing.slowStartDeferred, LongAdder::sum)
			.description("Reads the balancer gave a ramping replica that slow start sent to another")
			.baseUnit("reads")
			.register(registry);
		FunctionCounter.builder(UNEXECUTED_IGNORED, routing.view().consistencyTracker().unexecutedIgnored, LongAdder::sum)
			.description("Reads whose consistency token required transactions the primary never executed (forged or "
					+ "foreign); those transactions were ignored")
			.baseUnit("reads")
			.register(registry);
	}

	private static void stickyCounter(MeterRegistry registry, String outcome, LongAdder count) {
		FunctionCounter.builder(STICKY, count, LongAdder::sum)
			.description("Reads of sessions with sticky replicas, by how their replica was found")
			.baseUnit("reads")
			.tag("outcome", outcome)
			.register(registry);
	}

	static double responseTimeSeconds(ReplicaNode replica) {
		if (replica == null) {
			return Double.NaN;
		}
		long average = replica.responseTime().averageNanos(System.nanoTime());
		return (average < 0) ? Double.NaN : average / 1e9;
	}


	private void bindMonitor(MeterRegistry registry) {
		ReplicaLagMonitor lagMonitor = this.monitor;
		for (String name : readers()) {
			Gauge.builder(REPLICA_LAG, lagMonitor, (m) -> lagSeconds(m.snapshot(), name))
				.description("How far behind the primary the replica is; NaN when unknown or while the node is the primary")
				.baseUnit("seconds")
				.tag("replica", name)
				.register(registry);
			Gauge.builder(REPLICA_STATE, lagMonitor, (m) -> stateCode(m.snapshot(), name))
				.description("Replica state: 0 healthy, 1 lagging, 2 down, 3 drained, 4 misconfigured; NaN while the node "
						+ "is the primary")
				.tag("replica", name)
				.register(registry);
		}
		for (ReplicaState state : List.of(ReplicaState.LAGGING, ReplicaState.DOWN, ReplicaState.DRAINED,
				ReplicaState.MISCONFIGURED)) {
			FunctionCounter.builder(REPLICA_EJECTIONS, lagMonitor.ejections(state), LongAdder::sum)
				.description("Replicas taken out of rotation, by the state they went to")
				.baseUnit("ejections")
				.tag("reason", state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		Gauge.builder(PRIMARY_UP, lagMonitor, (m) -> (m.snapshot().primaryStatus() == PrimaryStatus.UP) ? 1 : 0)
			.description("Whether writes have a writable primary: 1 yes, 0 no (it does not answer, no node is writable, "
					+ "or two are)")
			.register(registry);
		Gauge.builder(PRIMARY_STATUS, lagMonitor, (m) -> statusCode(m.snapshot().primaryStatus()))
			.description("Whether writes have a primary to go to: 0 up, 1 down, 2 changing (no node writable), "
					+ "3 split brain (two writable)")
			.register(registry);
		FunctionCounter.builder(PRIMARY_CHANGES, lagMonitor, (m) -> m.snapshot().primaryChanges())
			.description("Times the monitor moved the primary to another node")
			.baseUnit("changes")
			.register(registry);
		for (String node : this.router.nodeNames()) {
			Gauge.builder(PRIMARY_NODE, lagMonitor, (m) -> isWritablePrimary(m.snapshot(), node) ? 1 : 0)
				.description("1 for the node writes go to now, 0 for the others; every node 0 while writes have no "
						+ "writable primary")
				.tag("node", node)
				.register(registry);
		}
	}

	/**
	 * Every node that can serve reads, in configuration order: the configured replicas and, when the
	 * router can follow the primary, the configured primary (which serves reads once demoted).
	 */
	private List<String> readers() {
		List<String> readers = new java.util.ArrayList<>();
		for (String node : this.router.nodeNames()) {
			if (this.router.readerNode(node) != null) {
				readers.add(node);
			}
		}
		return readers;
	}

	static double statusCode(PrimaryStatus status) {
		return switch (status) {
			case UP -> 0;
			case DOWN -> 1;
			case CHANGING -> 2;
			case SPLIT_BRAIN -> 3;
		};
	}

	static boolean isWritablePrimary(MonitorSnapshot snapshot, String node) {
		return snapshot.primaryStatus() == PrimaryStatus.UP && node.equals(snapshot.primary());
	}

	static double lagSeconds(MonitorSnapshot snapshot, String replica) {
		ReplicaHealth health = snapshot.replica(replica);
		return (health == null || health.lagNanos() < 0) ? Double.NaN : health.lagNanos() / 1e9;
	}

	static double stateCode(MonitorSnapshot snapshot, String replica) {
		ReplicaHealth health = snapshot.replica(replica);
		return (health != null) ? health.state().ordinal() : Double.NaN;
	}

}
