package io.github.rwsplit.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;

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

	public RwsplitHealthIndicator(ReplicaLagMonitor monitor) {
		this.monitor = monitor;
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
		return health.build();
	}

}
