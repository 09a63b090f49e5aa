package io.github.rwsplit.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

import io.github.rwsplit.monitor.HealthThresholds;
import io.github.rwsplit.monitor.MonitorSettings;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * Starts the replica lag monitor for the routing DataSource: it checks every replica, takes stale
 * or unreachable ones out of rotation, marks the primary down while it does not answer, and is told
 * about connections a pool could not hand out.
 */
@AutoConfiguration(after = RwsplitDataSourceAutoConfiguration.class)
@ConditionalOnBean(RwsplitDataSource.class)
@ConditionalOnProperty(prefix = "rwsplit.monitor", name = "enabled", matchIfMissing = true)
public final class RwsplitMonitorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReplicaLagMonitor rwsplitReplicaLagMonitor(ObjectProvider<DataSource> dataSources, RwsplitProperties properties) {
		RwsplitProperties.Monitor monitor = properties.getMonitor();
		RwsplitPropertiesValidator.validateMonitor(monitor);
		HealthThresholds thresholds = new HealthThresholds(monitor.getMaxLag(),
				(monitor.getRecoveryLag() != null) ? monitor.getRecoveryLag() : monitor.getMaxLag().dividedBy(2),
				monitor.getRecoveryChecks());
		MonitorSettings settings = new MonitorSettings(monitor.getInterval(), monitor.getCheckTimeout(),
				monitor.getPrimaryInterval(), thresholds, monitor.getLagSource(), monitor.getHeartbeatTable(),
				monitor.isCreateHeartbeatTable());
		List<ReplicaLagMonitor.Endpoint> replicas = new ArrayList<>();
		properties.getReplicas().forEach((name, replica) -> replicas.add(endpoint(properties, name, replica)));
		ReadWriteRoutingDataSource router = RouterLookup.router(dataSources);
		ReplicaLagMonitor lagMonitor = new ReplicaLagMonitor(router,
				endpoint(properties, RwsplitPropertiesValidator.PRIMARY_NAME, properties.getPrimary()), replicas, settings);
		router.setCheckoutFailureListener(lagMonitor);
		lagMonitor.setFollowPrimary(properties.getTopology().isFollowPrimary());
		lagMonitor.setMemberDiscovery(NodePoolFactory.memberDiscovery(properties, router,
				(name, member) -> endpoint(properties, name, member)));
		lagMonitor.setMisconfiguredReplicaListener(MisconfiguredReplicaStartupCheck.of(properties));
		lagMonitor.setAdmitReplicasUntilPrimarySeen(properties.getStartup().isAllowPrimaryDown());
		if (properties.getConsistency().getMode() == RwsplitProperties.Consistency.Mode.AUTO) {
			lagMonitor.setPrimaryGtidModeListener(ConsistencyModeResolver.autoMode(router, properties));
		}
		return lagMonitor;
	}

	private static ReplicaLagMonitor.Endpoint endpoint(RwsplitProperties properties, String name,
			RwsplitProperties.Node node) {
		RwsplitProperties.Monitor monitor = properties.getMonitor();
		// The monitor's own account when set; otherwise the node's login, under the same precedence as its pool.
		NodeCredentials credentials = NodeCredentials.of(properties, name, node);
		String username = (monitor.getUsername() != null) ? monitor.getUsername() : credentials.poolUser();
		String password = (monitor.getUsername() != null) ? monitor.getPassword() : credentials.poolPassword();
		// The node's driver properties (TLS, authentication...), so the monitor connects as the pool does.
		Properties driver = new Properties();
		driver.putAll(properties.getPool().getDataSourceProperties());
		driver.putAll(node.getPool().getDataSourceProperties());
		return new ReplicaLagMonitor.Endpoint(name, node.getUrl(), username, password, driver);
	}

}
