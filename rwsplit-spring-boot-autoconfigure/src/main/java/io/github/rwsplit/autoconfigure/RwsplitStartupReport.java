package io.github.rwsplit.autoconfigure;

import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.monitor.ReplicaHealth;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.JdbcUrls;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

/**
 * Logs, once the application is ready, one INFO block saying how rwsplit is set up: nodes and
 * their groups, the primary the monitor's first checks found when it is not the configured one
 * (or is not writable), whether rwsplit follows the primary, load balancing, read-your-writes, lag
 * source and thresholds, replicas the monitor's first checks left out of rotation and why,
 * fallback. No secrets.
 */
class RwsplitStartupReport implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(RwsplitStartupReport.class);

	private final ReadWriteRoutingDataSource router;

	private final RwsplitProperties properties;

	private final ObjectProvider<ReplicaLagMonitor> monitor;

	RwsplitStartupReport(ReadWriteRoutingDataSource router, RwsplitProperties properties,
			ObjectProvider<ReplicaLagMonitor> monitor) {
		this.router = router;
		this.properties = properties;
		this.monitor = monitor;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (logger.isInfoEnabled()) {
			logger.info(report());
		}
	}

	String report() {
		var router = this.router;
		StringBuilder text = new StringBuilder("rwsplit is routing:\n");
		text.append("  primary   ")
			.append(JdbcUrls.sanitize(this.properties.getPrimary().getUrl()))
			.append(user(RwsplitPropertiesValidator.PRIMARY_NAME, this.properties.getPrimary()))
			.append('\n');
		this.properties.getReplicas()
			.forEach((name, replica) -> text.append("  ")
				.append(name)
				.append(" (group ")
				.append(RwsplitPropertiesValidator.groupOf(this.properties, replica))
				.append(", weight ")
				.append(replica.getWeight())
				.append(")  ")
				.append(JdbcUrls.sanitize(replica.getUrl()))
				.append(user(name, replica))
				.append('\n'));
		ReplicaLagMonitor lagMonitor = this.monitor.getIfAvailable();
		if (lagMonitor != null) {
			appendPrimaryNow(text, lagMonitor.snapshot());
		}
		text.append("  follow primary: ")
			.append(this.properties.getTopology().isFollowPrimary() ? "on" : "off")
			.append("; while no writable primary is known, writes wait up to ")
			.append(this.properties.getTopology().getAwaitPrimaryTimeout().toMillis())
			.append(" ms\n");
		RwsplitProperties.Balancing balancing = this.properties.getBalancing();
		text.append("  load balancing: ")
			.append(lower(this.properties.getLoadBalancing()))
			.append("; default group: ")
			.append(this.properties.getDefaultGroup())
			.append("; sticky replicas: ")
			.append(balancing.isStickyReplicas() ? "on" : "off")
			.append("; slow start: ")
			.append(balancing.getSlowStart().isZero() ? "off" : balancing.getSlowStart().toMillis() + " ms")
			.append('\n');
		text.append("  outside transactions: ")
			.append((this.properties.getRouting().getAutocommitReads() == io.github.rwsplit.routing.Route.REPLICA)
					? "reads to replicas, statement by statement (rwsplit.routing.autocommit-reads=replica)"
					: "everything to the primary")
			.append('\n');
		RwsplitProperties.WriteBarrier barrier = this.properties.getWriteBarrier();
		text.append("  write barriers: ")
			.append(barrier.isEnabled() ? "on (timeout " + barrier.getTimeout().toMillis() + " ms, then "
					+ lower(barrier.getOnTimeout()) + ")" : "off")
			.append('\n');
		var consistency = router.view().consistency();
		text.append("  read-your-writes: ").append(lower(consistency.mode())).append(" (").append(switch (consistency.mode()) {
			// Only the setting the mode acts on: pin-duration does nothing in a GTID mode, wait-timeout nothing in pin.
			case PIN -> "pin " + consistency.pinDuration().toMillis() + " ms";
			case GTID, GLOBAL -> "wait up to " + consistency.waitTimeout().toMillis() + " ms";
			case EVENTUAL -> "reads may miss the session's writes";
			default -> "wait up to " + consistency.waitTimeout().toMillis() + " ms, pin "
					+ consistency.pinDuration().toMillis() + " ms";
		}).append(")\n");
		if (lagMonitor != null) {
			var settings = lagMonitor.getSettings();
			text.append("  lag monitor: ")
				.append(lower(lagMonitor.snapshot().lagSource()))
				.append(", every ")
				.append(settings.interval().toMillis())
				.append(" ms, max-lag ")
				.append(settings.thresholds().maxLag().toMillis())
				.append(" ms, back after ")
				.append(settings.thresholds().recoveryChecks())
				.append(" checks within ")
				.append(settings.thresholds().recoveryLag().toMillis())
				.append(" ms\n");
			// What the first round of checks, before traffic, found wrong: a mistake should not wait for a read to show.
			for (var replica : lagMonitor.snapshot().replicas()) {
				if (!replica.state().inRotation()) {
					text.append("  ")
						.append(replica.name())
						.append(' ')
						.append(replica.state())
						.append(", out of rotation: ")
						.append(replica.reason())
						.append('\n');
				}
			}
		}
		else {
			text.append("  lag monitor: off")
				.append(this.properties.getStartup().isFailOnMisconfiguredReplica()
						? " (so rwsplit.startup.fail-on-misconfigured-replica checks nothing)" : "")
				.append('\n');
		}
		var fallback = router.view().fallback();
		text.append("  fallback: ")
			.append(lower(fallback.policy()))
			.append((fallback.maxPrimaryReads() == Integer.MAX_VALUE) ? ""
					: " (at most " + fallback.maxPrimaryReads() + " reads on the primary at once)");
		return text.toString();
	}

	/**
	 * What the monitor's first round found about the primary, when it is not simply the configured
	 * node, writable: an application started after a switchover with the old configuration, or
	 * during one. Said here because a configuration that no longer matches the cluster otherwise
	 * goes unnoticed while rwsplit quietly follows the primary.
	 */
	private void appendPrimaryNow(StringBuilder text, MonitorSnapshot snapshot) {
		String configured = this.router.configuredPrimary();
		boolean moved = !snapshot.primary().equals(configured);
		if (!moved && snapshot.primaryStatus() == PrimaryStatus.UP) {
			return;
		}
		text.append("  primary now: '").append(snapshot.primary()).append("' ").append(snapshot.primaryStatus());
		if (snapshot.primaryStatus() != PrimaryStatus.UP && snapshot.primaryDownReason() != null) {
			text.append(": ").append(snapshot.primaryDownReason());
		}
		if (moved) {
			ReplicaHealth demoted = snapshot.replica(configured);
			text.append(" (configured '").append(configured).append("' is ");
			if (demoted == null) {
				text.append("not the primary");
			}
			else if (demoted.state().inRotation()) {
				text.append("read-only, serving reads");
			}
			else {
				text.append(demoted.state()).append(": ").append(demoted.reason());
			}
			text.append(')');
			MonitorSnapshot.PrimaryChange change = snapshot.lastPrimaryChange();
			if (change != null && change.to().equals(snapshot.primary())) {
				text.append("; the monitor saw: ").append(change.reason());
			}
		}
		text.append('\n');
	}

	/** The user a node logs in as, so that a read-only account given to a replica can be checked. */
	private String user(String name, RwsplitProperties.Node node) {
		String user = NodeCredentials.of(this.properties, name, node).user();
		return "  user " + ((user != null) ? user : "(the driver's default)");
	}

	/** An enum value as it is written in application.yml: {@code ROUND_ROBIN} is {@code round-robin}. */
	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
