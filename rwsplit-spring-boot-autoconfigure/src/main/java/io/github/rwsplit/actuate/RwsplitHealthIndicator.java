package io.github.rwsplit.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ConsistencySettings;
import io.github.rwsplit.routing.RouterView;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

/**
 * The {@code rwsplit} health: from the lag monitor's last snapshot, never a query.
 * <ul>
 * <li>DOWN while writes have no writable primary: it does not answer, no node is writable (a
 * switchover or failover under way), or two are (split brain); the {@code primary} detail says
 * which and why, {@code primaryStatus} is the status alone;</li>
 * <li>UP otherwise, with {@code degraded: true} and each replica out of rotation and why when
 * running with fewer replicas than configured (reads still work, on the remaining replicas or
 * under the fallback policy).</li>
 * </ul>
 * The primary is whichever node the monitor follows now; after it moved, the {@code primary}
 * detail names the node and since when, and {@code lastPrimaryChange} says from where and why.
 * Replicas are every other node, the configured primary too once it is demoted.
 */
public class RwsplitHealthIndicator implements HealthIndicator {

	private final Supplier<MonitorSnapshot> snapshot;

	private final @Nullable RouterView router;

	public RwsplitHealthIndicator(ReplicaLagMonitor monitor) {
		this(monitor, null);
	}

	/**
	 * @param monitor the lag monitor whose snapshot it reports
	 * @param router the router whose effective consistency mode it reports, or {@code null}
	 */
	public RwsplitHealthIndicator(ReplicaLagMonitor monitor, @Nullable RouterView router) {
		this(monitor::snapshot, router);
	}

	RwsplitHealthIndicator(Supplier<MonitorSnapshot> snapshot, RouterView router) {
		this.snapshot = snapshot;
		this.router = router;
	}

	@Override
	public Health health() {
		MonitorSnapshot snapshot = this.snapshot.get();
		Map<String, Object> excluded = new LinkedHashMap<>();
		int inRotation = 0;
		for (ReplicaHealth replica : snapshot.replicas()) {
			if (replica.state().inRotation()) {
				inRotation++;
			}
			else {
				excluded.put(replica.name(), replica.state() + ": " + replica.reason());
			}
		}
		Health.Builder health = (snapshot.primaryStatus() == PrimaryStatus.UP) ? Health.up() : Health.down();
		health.withDetail("primary", PrimaryDetail.of(snapshot))
			.withDetail("primaryStatus", snapshot.primaryStatus().name())
			.withDetail("primaryChanges", snapshot.primaryChanges());
		if (snapshot.lastPrimaryChange() != null) {
			health.withDetail("lastPrimaryChange", PrimaryDetail.of(snapshot.lastPrimaryChange()));
		}
		health.withDetail("replicasInRotation", inRotation)
			.withDetail("replicas", snapshot.replicas().size())
			.withDetail("degraded", !excluded.isEmpty());
		if (!excluded.isEmpty()) {
			health.withDetail("excluded", excluded);
		}
		if (this.router != null) {
			// consistency.mode=auto may be pin for now, waiting on the primary: an operator should see it.
			ConsistencySettings consistency = this.router.consistency();
			health.withDetail("consistency", consistency.mode().name().toLowerCase(java.util.Locale.ROOT) + " ("
					+ consistency.modeReason() + ")");
		}
		return health.build();
	}

}
