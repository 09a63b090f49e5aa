package io.github.rwsplit.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.github.rwsplit.barrier.BarrierResult;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.BalancingCounts;
import io.github.rwsplit.routing.JdbcUrls;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RoutingTopology;

/**
 * The {@code rwsplit} endpoint: what every node is doing and why, and the operator's controls.
 * {@code GET /actuator/rwsplit} lists every node by the role it has now (the primary may have moved
 * to a configured replica, and the configured primary may serve reads) with the topology: the
 * current primary, its status, and its moves; {@code GET /actuator/rwsplit/{node}} one node;
 * {@code POST /actuator/rwsplit/{node}} with {@code {"action": "drain"}} or {@code "undrain"} takes
 * a replica out of rotation (reads already running finish; no new ones are routed to it) or puts it
 * back under the lag monitor's judgement.
 *
 * <p>Access is read-only by default, as for Spring Boot's other endpoints that change the running
 * application: draining every replica moves all reads to the primary, so the write operation exists
 * only where the application grants it ({@code management.endpoint.rwsplit.access=unrestricted}).
 * Draining the last replica in rotation of its group is refused unless the request says
 * {@code "force": true}.
 */
@Endpoint(id = "rwsplit", defaultAccess = Access.READ_ONLY)
public class RwsplitEndpoint {

	private final ReadWriteRoutingDataSource router;

	private final @Nullable ReplicaLagMonitor monitor;

	private final @Nullable WriteBarrier writeBarrier;

	/**
	 * Creates the endpoint.
	 * @param router the router
	 * @param monitor the lag monitor, or {@code null} when it is off (then drain is unavailable)
	 */
	public RwsplitEndpoint(ReadWriteRoutingDataSource router, @Nullable ReplicaLagMonitor monitor) {
		this(router, monitor, null);
	}

	/**
	 * Creates the endpoint.
	 * @param router the router
	 * @param monitor the lag monitor, or {@code null} when it is off (then drain is unavailable)
	 * @param writeBarrier the write barrier, or {@code null} when write barriers are off
	 */
	public RwsplitEndpoint(ReadWriteRoutingDataSource router, @Nullable ReplicaLagMonitor monitor,
			@Nullable WriteBarrier writeBarrier) {
		this.router = router;
		this.monitor = monitor;
		this.writeBarrier = writeBarrier;
	}

	@ReadOperation
	public RwsplitDescriptor rwsplit() {
		MonitorSnapshot snapshot = (this.monitor != null) ? this.monitor.snapshot() : null;
		TopologyDescriptor topology = topology(snapshot);
		List<NodeDescriptor> nodes = new ArrayList<>();
		nodes.add(primary(topology));
		for (String name : topology.replicas()) {
			nodes.add(replica(name, snapshot));
		}
		ConsistencyTracker tracker = this.router.view().consistencyTracker();
		var consistency = this.router.view().consistency();
		var fallback = this.router.view().fallback();
		return new RwsplitDescriptor(topology, nodes,
				new ConsistencyDescriptor(lower(consistency.mode().name()), consistency.modeReason(),
						consistency.pinDuration().toMillis(),
						consistency.waitTimeout().toMillis(), tracker.caughtUp.sum(), tracker.waited.sum(),
						tracker.waitTimedOut.sum(), tracker.primary.sum(), tracker.pinned.sum(), tracker.commitsCaptured.sum(),
						tracker.unexecutedIgnored.sum()),
				new FallbackDescriptor(lower(fallback.policy().name()), fallback.waitTimeout().toMillis(),
						(fallback.maxPrimaryReads() == Integer.MAX_VALUE) ? null : fallback.maxPrimaryReads(),
						this.router.view().primaryFallbackReads()),
				(snapshot != null) ? lower(snapshot.lagSource().name()) : "off", balancing(), writeBarrier());
	}

	/**
	 * Roles as the monitor sees them now, or as the router was configured when there is no monitor
	 * (then nothing moves the primary). Read from one snapshot, so that the primary and its status
	 * belong together.
	 */
	private TopologyDescriptor topology(MonitorSnapshot snapshot) {
		RoutingTopology routing = this.router.getTopology();
		String primary = (snapshot != null) ? snapshot.primary() : routing.primary();
		RoutingTopology.PrimaryStatus status = (snapshot != null) ? snapshot.primaryStatus() : routing.primaryStatus();
		String reason = (snapshot != null) ? snapshot.primaryDownReason() : routing.primaryDownReason();
		List<String> replicas = new ArrayList<>();
		for (String node : this.router.nodeNames()) {
			if (!node.equals(primary)) {
				replicas.add(node);
			}
		}
		String configured = this.router.configuredPrimary();
		MonitorSnapshot.PrimaryChange last = (snapshot != null) ? snapshot.lastPrimaryChange() : null;
		return new TopologyDescriptor(primary, status.name(), (reason != null) ? reason : "", replicas,
				configured.equals(primary) ? null : configured, (snapshot != null) ? snapshot.primaryChanges() : 0,
				(last != null) ? new PrimaryChangeDescriptor(last.from(), last.to(), last.reason(), last.at()) : null);
	}

	private BalancingDescriptor balancing() {
		BalancingCounts counts = this.router.view().balancingCounts();
		return new BalancingDescriptor(this.router.view().stickyReplicas(), this.router.view().slowStart().toMillis(),
				counts.stickyHits.sum(), counts.stickyAssigned.sum(), counts.stickyMoved.sum(), counts.stickyPrimary.sum(),
				counts.slowStartDeferred.sum());
	}

	private WriteBarrierDescriptor writeBarrier() {
		if (this.writeBarrier == null) {
			return null;
		}
		Map<String, Long> outcomes = new LinkedHashMap<>();
		for (BarrierResult.Outcome outcome : BarrierResult.Outcome.values()) {
			outcomes.put(outcome.tag(), this.writeBarrier.outcomes(outcome).sum());
		}
		return new WriteBarrierDescriptor(this.writeBarrier.getTimeout().toMillis(),
				lower(this.writeBarrier.getOnTimeout().name()), outcomes);
	}

	@ReadOperation
	public @Nullable NodeDescriptor node(@Selector String node) {
		for (NodeDescriptor descriptor : rwsplit().nodes()) {
			if (descriptor.name().equals(node)) {
				return descriptor;
			}
		}
		return null;
	}

	/**
	 * Drains or undrains a replica.
	 * @param node the replica's name
	 * @param action what to do
	 * @param force whether to drain the last replica in rotation of its group all the same
	 * @return the replica after the change
	 */
	@WriteOperation
	public synchronized NodeDescriptor changeRotation(@Selector String node, RotationAction action,
			@Nullable Boolean force) {
		if (this.monitor == null) {
			throw badRequest("Draining needs the lag monitor (rwsplit.monitor.enabled=true)");
		}
		if (node.equals(this.router.getTopology().primary())) {
			throw badRequest("'" + node + "' is the primary; only replicas can be drained");
		}
		try {
			switch (action) {
				case DRAIN -> {
					if (!Boolean.TRUE.equals(force)) {
						refuseToDrainTheLastReplicaOfItsGroup(node);
					}
					this.monitor.drain(node);
				}
				case UNDRAIN -> this.monitor.undrain(node);
			}
		}
		catch (IllegalArgumentException ex) {
			throw badRequest(ex.getMessage());
		}
		return node(node);
	}

	/**
	 * Another drain cannot slip in between the check and the drain: both run under this endpoint's
	 * lock. The monitor may still take the group's other replicas out afterwards; that is the
	 * fallback's business, not an operator's mistake.
	 */
	private void refuseToDrainTheLastReplicaOfItsGroup(String node) {
		// Every node that may serve reads counts, not only the configured replicas: after a
		// switchover the configured primary may be the group's other replica in rotation.
		ReplicaNode target = this.router.readerNode(node);
		MonitorSnapshot snapshot = this.monitor.snapshot();
		ReplicaHealth health = snapshot.replica(node);
		if (target == null || health == null || !health.state().inRotation()) {
			return;
		}
		for (String name : this.router.nodeNames()) {
			ReplicaNode replica = this.router.readerNode(name);
			ReplicaHealth other = snapshot.replica(name);
			if (!name.equals(node) && !name.equals(snapshot.primary()) && replica != null
					&& replica.group().equals(target.group()) && other != null && other.state().inRotation()) {
				return;
			}
		}
		throw badRequest("'" + node + "' is the last replica in rotation of group '" + target.group()
				+ "': draining it sends that group's reads to the fallback (policy "
				+ lower(this.router.view().fallback().policy().name())
				+ "). Send {\"action\": \"drain\", \"force\": true} to drain it anyway");
	}

	/** What an operator can do to a replica's place in rotation. */
	public enum RotationAction {

		/** Takes the replica out of rotation until it is undrained. */
		DRAIN,

		/** Puts a drained replica back under the lag monitor's judgement. */
		UNDRAIN

	}

	/** The reason is what Spring Boot puts in an HTTP error body, so it carries the whole message. */
	private static InvalidEndpointRequestException badRequest(String message) {
		return new InvalidEndpointRequestException(message, message);
	}

	private NodeDescriptor primary(TopologyDescriptor topology) {
		String name = topology.primary();
		DataSource pool = rolePool(name, true);
		return new NodeDescriptor(name, "primary", null, topology.primaryStatus(), topology.primaryReason(), null, null,
				null, null, null, url(pool), user(pool), pool(pool), this.router.view().routeCounts().routes(name),
				this.router.view().routeCounts().readRetries(name));
	}

	/** A node that is not the primary now: a configured replica, or the configured primary once demoted. */
	private NodeDescriptor replica(String name, MonitorSnapshot snapshot) {
		ReplicaHealth health = (snapshot != null) ? snapshot.replica(name) : null;
		ReplicaNode reader = this.router.readerNode(name);
		String state = (health != null) ? health.state().name() : "UNMONITORED";
		Double lag = (health != null && health.lagNanos() >= 0) ? health.lagNanos() / 1e9 : null;
		Instant lastCheck = (health != null) ? health.lastCheck() : null;
		Double responseMillis = null;
		if (reader != null) {
			long responseNanos = reader.responseTime().averageNanos(System.nanoTime());
			responseMillis = (responseNanos < 0) ? null : responseNanos / 1e6;
		}
		double share = this.router.view().slowStartShare(name);
		DataSource pool = rolePool(name, false);
		return new NodeDescriptor(name, "replica", (reader != null) ? reader.group() : null, state,
				(health != null) ? health.reason() : "", lag, lastCheck, (reader != null) ? reader.weight() : null,
				responseMillis, share, url(pool), user(pool), pool(pool), this.router.view().routeCounts().routes(name),
				this.router.view().routeCounts().readRetries(name));
	}

	/**
	 * The pool a node uses in the role it has now: writes on the primary may use a pool of their
	 * own on a node that was configured as a replica, and reads on the demoted configured primary
	 * one of theirs. Falls back to the node's configured pool when the router has no such pool.
	 */
	private DataSource rolePool(String node, boolean primary) {
		DataSource pool = null;
		if (primary) {
			pool = this.router.writerPool(node);
		}
		else {
			ReplicaNode reader = this.router.readerNode(node);
			pool = (reader != null) ? reader.dataSource() : null;
		}
		return (pool != null) ? pool : this.router.getResolvedDataSources().get(node);
	}

	private static @Nullable String url(DataSource dataSource) {
		return (dataSource instanceof HikariDataSource hikari) ? JdbcUrls.sanitize(hikari.getJdbcUrl()) : null;
	}

	/** The pool's user, or the URL's when the URL carries it (rwsplit then leaves it off the pool). */
	private static @Nullable String user(DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			return (hikari.getUsername() != null) ? hikari.getUsername() : JdbcUrls.user(hikari.getJdbcUrl());
		}
		return null;
	}

	private static @Nullable PoolDescriptor pool(DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			HikariPoolMXBean bean = hikari.getHikariPoolMXBean();
			if (bean != null) {
				return new PoolDescriptor(bean.getActiveConnections(), bean.getIdleConnections(),
						bean.getThreadsAwaitingConnection(), bean.getTotalConnections(), hikari.getMaximumPoolSize());
			}
		}
		return null;
	}

	private static String lower(String name) {
		return name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

	/**
	 * Everything the endpoint shows.
	 *
	 * @param topology which node is the primary now, its status, and how it got there
	 * @param nodes the current primary, then every other node in configuration order
	 * @param consistency read-your-writes settings and outcomes
	 * @param fallback the fallback policy and how many reads run on the primary because of it
	 * @param lagSource how lag is measured, or {@code off}
	 * @param balancing sticky replicas and slow start
	 * @param writeBarrier write-barrier settings and outcomes, or {@code null} when they are off
	 */
	public record RwsplitDescriptor(TopologyDescriptor topology, List<NodeDescriptor> nodes,
			ConsistencyDescriptor consistency,
			FallbackDescriptor fallback, String lagSource, BalancingDescriptor balancing,
			@Nullable WriteBarrierDescriptor writeBarrier) implements OperationResponseBody {
	}

	/**
	 * Roles now. The primary is whichever node the monitor found writable, not necessarily the
	 * configured one.
	 *
	 * @param primary the current primary's name (the last one known while no node is writable)
	 * @param primaryStatus {@code UP} while writes have a writable primary; {@code DOWN} (it does not
	 * answer), {@code CHANGING} (no node is writable) or {@code SPLIT_BRAIN} (two are) while they have none
	 * @param primaryReason why writes have no primary, empty while {@code UP}
	 * @param replicas every other node, in configuration order: the configured replicas and, once
	 * demoted, the configured primary
	 * @param configuredPrimary the primary as configured ({@code rwsplit.primary}) when it is not the
	 * current one, else {@code null}
	 * @param primaryChanges how many times the monitor moved the primary to another node since start-up
	 * @param lastPrimaryChange the latest move, or {@code null} when there was none
	 */
	public record TopologyDescriptor(String primary, String primaryStatus, String primaryReason, List<String> replicas,
			@Nullable String configuredPrimary, long primaryChanges, @Nullable PrimaryChangeDescriptor lastPrimaryChange) {
	}

	/**
	 * A move of the primary to another node.
	 *
	 * @param from the node that was the primary
	 * @param to the node that became the primary
	 * @param reason what the monitor saw
	 * @param at when it moved
	 */
	public record PrimaryChangeDescriptor(String from, String to, String reason, Instant at) {
	}

	/**
	 * Sticky replicas and slow start.
	 *
	 * @param stickyReplicas whether each session's reads stay on one replica
	 * @param slowStartMillis how long a replica returning to rotation ramps up, 0 for no ramp
	 * @param stickyHits reads served by their session's replica
	 * @param stickyAssigned sessions given a replica at their first read
	 * @param stickyMoved sessions moved to a replica at least as far along as theirs
	 * @param stickyPrimary reads sent to the primary because no replica was known to be as far along
	 * @param slowStartDeferred reads slow start sent away from a ramping replica
	 */
	public record BalancingDescriptor(boolean stickyReplicas, long slowStartMillis, long stickyHits, long stickyAssigned,
			long stickyMoved, long stickyPrimary, long slowStartDeferred) {
	}

	/**
	 * Write barriers.
	 *
	 * @param timeoutMillis the default bound
	 * @param onTimeout what a barrier not met does by default
	 * @param outcomes how many barriers ended each way
	 */
	public record WriteBarrierDescriptor(long timeoutMillis, String onTimeout, Map<String, Long> outcomes) {
	}

	/**
	 * One node.
	 *
	 * @param name its name
	 * @param role the role it has now: primary or replica
	 * @param group its replica group, or {@code null} for the primary and for a node that cannot serve reads
	 * @param state UP, DOWN, CHANGING or SPLIT_BRAIN for the primary (its {@code primaryStatus}); HEALTHY,
	 * LAGGING, DOWN, DRAINED or MISCONFIGURED for a replica, UNMONITORED without the lag monitor
	 * @param reason why it is in that state
	 * @param lagSeconds its lag, or {@code null} when unknown
	 * @param lastCheck when the monitor last checked it
	 * @param weight its weight as a replica, or {@code null} for the primary
	 * @param responseTimeMillis moving average of its statements' response times, or {@code null}
	 * when not measured lately
	 * @param slowStartShare the share of its full portion of new reads it gets now (below 1 while it
	 * ramps up, 0 out of rotation), or {@code null} for the primary
	 * @param url its JDBC URL without credentials
	 * @param user the user it logs in as (never the password), or {@code null} for the driver's default
	 * @param pool the figures of the pool it uses in its current role
	 * @param routes connections handed out to it, by reason
	 * @param readRetries read work run once more after failing on it, by outcome
	 */
	public record NodeDescriptor(String name, String role, @Nullable String group, String state, String reason,
			@Nullable Double lagSeconds, @Nullable Instant lastCheck, @Nullable Integer weight,
			@Nullable Double responseTimeMillis, @Nullable Double slowStartShare, @Nullable String url,
			@Nullable String user, @Nullable PoolDescriptor pool, Map<String, Long> routes, Map<String, Long> readRetries)
			implements OperationResponseBody {
	}

	/**
	 * A node's pool.
	 *
	 * @param active connections in use
	 * @param idle connections idle
	 * @param waiting threads waiting for a connection
	 * @param total connections open
	 * @param max the pool's maximum size
	 */
	public record PoolDescriptor(int active, int idle, int waiting, int total, int max) {
	}

	/**
	 * Read-your-writes.
	 *
	 * @param mode the mode reads use now
	 * @param modeReason why: "configured", or how {@code auto} was resolved (or why it is not yet)
	 * @param pinDurationMillis pin mode's window
	 * @param waitTimeoutMillis the longest wait on a replica
	 * @param caughtUp reads served by a replica known to have the session's writes
	 * @param waited reads served by a replica after waiting
	 * @param waitTimedOut reads that waited in vain and went to the primary
	 * @param primary reads sent to the primary for read-your-writes
	 * @param pinned reads pinned to the primary
	 * @param commitsCaptured commits whose GTID was captured
	 * @param unexecutedIgnored reads whose token required transactions the primary never executed
	 */
	public record ConsistencyDescriptor(String mode, String modeReason, long pinDurationMillis, long waitTimeoutMillis,
			long caughtUp, long waited, long waitTimedOut, long primary, long pinned, long commitsCaptured,
			long unexecutedIgnored) {
	}

	/**
	 * What reads do when no replica qualifies.
	 *
	 * @param policy the policy
	 * @param waitTimeoutMillis the wait policy's bound
	 * @param maxPrimaryReads the cap on reads redirected to the primary, or {@code null} for none
	 * @param primaryReadsNow reads running on the primary now because of the fallback
	 */
	public record FallbackDescriptor(String policy, long waitTimeoutMillis, @Nullable Integer maxPrimaryReads,
			int primaryReadsNow) {
	}

}
