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

/**
 * The {@code rwsplit} endpoint: what every node is doing and why, and the operator's controls.
 * {@code GET /actuator/rwsplit} lists every node; {@code GET /actuator/rwsplit/{node}} one node;
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

	private final ReplicaLagMonitor monitor;

	private final WriteBarrier writeBarrier;

	/**
	 * Creates the endpoint.
	 * @param router the router
	 * @param monitor the lag monitor, or {@code null} when it is off (then drain is unavailable)
	 */
	public RwsplitEndpoint(ReadWriteRoutingDataSource router, ReplicaLagMonitor monitor) {
		this(router, monitor, null);
	}

	/**
	 * Creates the endpoint.
	 * @param router the router
	 * @param monitor the lag monitor, or {@code null} when it is off (then drain is unavailable)
	 * @param writeBarrier the write barrier, or {@code null} when write barriers are off
	 */
	public RwsplitEndpoint(ReadWriteRoutingDataSource router, ReplicaLagMonitor monitor, WriteBarrier writeBarrier) {
		this.router = router;
		this.monitor = monitor;
		this.writeBarrier = writeBarrier;
	}

	@ReadOperation
	public RwsplitDescriptor rwsplit() {
		MonitorSnapshot snapshot = (this.monitor != null) ? this.monitor.snapshot() : null;
		List<NodeDescriptor> nodes = new ArrayList<>();
		nodes.add(primary(snapshot));
		for (ReplicaNode replica : this.router.getReplicas()) {
			nodes.add(replica(replica, snapshot));
		}
		ConsistencyTracker tracker = this.router.view().consistencyTracker();
		var consistency = this.router.view().consistency();
		var fallback = this.router.view().fallback();
		return new RwsplitDescriptor(nodes,
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
	public NodeDescriptor node(@Selector String node) {
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
		ReplicaNode target = null;
		for (ReplicaNode replica : this.router.getReplicas()) {
			if (replica.name().equals(node)) {
				target = replica;
			}
		}
		MonitorSnapshot snapshot = this.monitor.snapshot();
		ReplicaHealth health = snapshot.replica(node);
		if (target == null || health == null || !health.state().inRotation()) {
			return;
		}
		for (ReplicaNode replica : this.router.getReplicas()) {
			ReplicaHealth other = snapshot.replica(replica.name());
			if (!replica.name().equals(node) && replica.group().equals(target.group()) && other != null
					&& other.state().inRotation()) {
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

	private NodeDescriptor primary(MonitorSnapshot snapshot) {
		String name = this.router.getTopology().primary();
		String down = (snapshot != null) ? snapshot.primaryDownReason() : this.router.getTopology().primaryDownReason();
		return new NodeDescriptor(name, "primary", null, (down == null) ? "UP" : "DOWN", (down == null) ? "" : down,
				null, null, null, null, null, url(name), user(name), pool(name),
				this.router.view().routeCounts().routes(name), this.router.view().routeCounts().readRetries(name));
	}

	private NodeDescriptor replica(ReplicaNode replica, MonitorSnapshot snapshot) {
		ReplicaHealth health = (snapshot != null) ? snapshot.replica(replica.name()) : null;
		String state = (health != null) ? health.state().name() : "UNMONITORED";
		Double lag = (health != null && health.lagNanos() >= 0) ? health.lagNanos() / 1e9 : null;
		Instant lastCheck = (health != null) ? health.lastCheck() : null;
		long responseNanos = replica.responseTime().averageNanos(System.nanoTime());
		Double responseMillis = (responseNanos < 0) ? null : responseNanos / 1e6;
		double share = this.router.view().slowStartShare(replica.name());
		return new NodeDescriptor(replica.name(), "replica", replica.group(), state,
				(health != null) ? health.reason() : "", lag, lastCheck, replica.weight(), responseMillis, share,
				url(replica.name()), user(replica.name()), pool(replica.name()),
				this.router.view().routeCounts().routes(replica.name()),
				this.router.view().routeCounts().readRetries(replica.name()));
	}

	private String url(String node) {
		DataSource dataSource = this.router.getResolvedDataSources().get(node);
		return (dataSource instanceof HikariDataSource hikari) ? JdbcUrls.sanitize(hikari.getJdbcUrl()) : null;
	}

	/** The pool's user, or the URL's when the URL carries it (rwsplit then leaves it off the pool). */
	private String user(String node) {
		DataSource dataSource = this.router.getResolvedDataSources().get(node);
		if (dataSource instanceof HikariDataSource hikari) {
			return (hikari.getUsername() != null) ? hikari.getUsername() : JdbcUrls.user(hikari.getJdbcUrl());
		}
		return null;
	}

	private PoolDescriptor pool(String node) {
		DataSource dataSource = this.router.getResolvedDataSources().get(node);
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
	 * @param nodes the primary, then each replica
	 * @param consistency read-your-writes settings and outcomes
	 * @param fallback the fallback policy and how many reads run on the primary because of it
	 * @param lagSource how lag is measured, or {@code off}
	 * @param balancing sticky replicas and slow start
	 * @param writeBarrier write-barrier settings and outcomes, or {@code null} when they are off
	 */
	public record RwsplitDescriptor(List<NodeDescriptor> nodes, ConsistencyDescriptor consistency,
			FallbackDescriptor fallback, String lagSource, BalancingDescriptor balancing,
			WriteBarrierDescriptor writeBarrier) implements OperationResponseBody {
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
	 * @param role primary or replica
	 * @param group its replica group
	 * @param state UP/DOWN for the primary; HEALTHY, LAGGING, DOWN, DRAINED or MISCONFIGURED for a
	 * replica
	 * @param reason why it is in that state
	 * @param lagSeconds its lag, or {@code null} when unknown
	 * @param lastCheck when the monitor last checked it
	 * @param weight its weight
	 * @param responseTimeMillis moving average of its statements' response times, or {@code null}
	 * when not measured lately
	 * @param slowStartShare the share of its full portion of new reads it gets now (below 1 while it
	 * ramps up, 0 out of rotation), or {@code null} for the primary
	 * @param url its JDBC URL without credentials
	 * @param user the user it logs in as (never the password), or {@code null} for the driver's default
	 * @param pool its pool's figures
	 * @param routes connections handed out to it, by reason
	 * @param readRetries read work run once more after failing on it, by outcome
	 */
	public record NodeDescriptor(String name, String role, String group, String state, String reason, Double lagSeconds,
			Instant lastCheck, Integer weight, Double responseTimeMillis, Double slowStartShare, String url,
			String user, PoolDescriptor pool, Map<String, Long> routes, Map<String, Long> readRetries)
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
	public record FallbackDescriptor(String policy, long waitTimeoutMillis, Integer maxPrimaryReads,
			int primaryReadsNow) {
	}

}
