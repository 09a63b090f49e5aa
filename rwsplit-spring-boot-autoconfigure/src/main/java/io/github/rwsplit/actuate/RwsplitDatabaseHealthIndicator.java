package io.github.rwsplit.actuate;

import java.util.function.Supplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

/**
 * The {@code db} health of rwsplit's {@code DataSource}, in place of Spring Boot's, which checks
 * every pool behind a routing {@code DataSource}: there one dead replica would make the whole
 * application DOWN (and out of its load balancer) while reads go on on the other replicas, and each
 * check of a dead node would wait for a connection until the pool's timeout.
 *
 * <p>The application's database is as healthy as its primary: UP while writes have a writable
 * primary (whichever node the monitor follows now), DOWN while they have none: it does not
 * answer, no node is writable during a switchover or failover, or two are (split brain). The
 * {@code primary} detail says which and why, in the same words as the {@code rwsplit} health. It
 * is read from the lag monitor's last snapshot and never runs a query, so it answers at once
 * whatever state the servers are in. Replicas out of rotation show in the
 * {@code rwsplit} health ({@link RwsplitHealthIndicator}), not here. It is not a connectivity
 * test of its own: what it reports is as old as the monitor's last primary check.
 */
public class RwsplitDatabaseHealthIndicator implements HealthIndicator {

	private final Supplier<MonitorSnapshot> snapshot;

	/**
	 * Creates the indicator.
	 * @param monitor the lag monitor whose snapshot it reports
	 */
	public RwsplitDatabaseHealthIndicator(ReplicaLagMonitor monitor) {
		this(monitor::snapshot);
	}

	RwsplitDatabaseHealthIndicator(Supplier<MonitorSnapshot> snapshot) {
		this.snapshot = snapshot;
	}

	@Override
	public Health health() {
		MonitorSnapshot snapshot = this.snapshot.get();
		int inRotation = 0;
		for (ReplicaHealth replica : snapshot.replicas()) {
			if (replica.state().inRotation()) {
				inRotation++;
			}
		}
		Health.Builder health = (snapshot.primaryStatus() == PrimaryStatus.UP) ? Health.up() : Health.down();
		health.withDetail("database", "MySQL")
			.withDetail("primary", PrimaryDetail.of(snapshot))
			.withDetail("replicasInRotation", inRotation + " of " + snapshot.replicas().size())
			.withDetail("source", "rwsplit lag monitor");
		return health.build();
	}

}
