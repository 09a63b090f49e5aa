package io.github.rwsplit.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ConsistencySettings;
import io.github.rwsplit.routing.RouterView;

/**
 * The {@code rwsplit} health: from the lag monitor's last snapshot, never a query.
 * <ul>
 * <li>DOWN while the primary does not answer (writes fail);</li>
 * <li>UP otherwise, with {@code degraded: true} and each replica out of rotation and why when
 * running with fewer replicas than configured (reads still work, on the remaining replicas or
 * under the fallback policy).</li>
 * </ul>
 */
public class RwsplitHealthIndicator implements HealthIndicator {

	private final ReplicaLagMonitor monitor;

	private final RouterView router;

	public RwsplitHealthIndicator(ReplicaLagMonitor monitor) {
		this(monitor, null);
	}

	/**
	 * @param monitor the lag monitor whose snapshot it reports
	 * @param router the router whose effective consistency mode it reports, or {@code null}
	 */
	public RwsplitHealthIndicator(ReplicaLagMonitor monitor, RouterView router) {
		this.monitor = monitor;
		this.router = router;
	}

	@Override
	public Health health() {
		MonitorSnapshot snapshot = this.monitor.snapshot();
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
		Health.Builder health = (snapshot.primaryDownReason() != null) ? Health.down() : Health.up();
		health.withDetail("primary", (snapshot.primaryDownReason() != null) ? "DOWN: " + snapshot.primaryDownReason() : "UP")
			.withDetail("replicasInRotation", inRotation)
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
