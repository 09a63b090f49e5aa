package io.github.rwsplit.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.rwsplit.actuate.RwsplitDatabaseHealthIndicator;
import io.github.rwsplit.actuate.RwsplitHealthIndicator;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * Health for rwsplit's {@code DataSource}: the {@code rwsplit} contributor (every replica out of
 * rotation and why) and the {@code db} contributor in place of Spring Boot's.
 *
 * <p>Runs before Spring Boot's {@code DataSourceHealthContributorAutoConfiguration}, which backs off
 * when a {@code dbHealthContributor} bean exists: Spring Boot's would check every node's pool (it
 * reports each target of a routing {@code DataSource}), so one dead replica would make the
 * application DOWN. Here {@code db} follows the primary only. With the lag monitor it reads the
 * monitor's snapshot and never waits on a dead node; without the monitor nothing else knows the
 * primary's state, so {@code db} checks out a connection from the primary's pool (Spring Boot's
 * indicator), which waits up to the pool's connection timeout while the primary is down.
 */
@AutoConfiguration(after = { RwsplitDataSourceAutoConfiguration.class, RwsplitMonitorAutoConfiguration.class },
		beforeName = "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(RwsplitDataSource.class)
public final class RwsplitHealthAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ReplicaLagMonitor.class)
	static class FromTheMonitor {

		@Bean
		@ConditionalOnEnabledHealthIndicator("rwsplit")
		@ConditionalOnMissingBean(name = "rwsplitHealthIndicator")
		RwsplitHealthIndicator rwsplitHealthIndicator(ReplicaLagMonitor monitor, ObjectProvider<DataSource> dataSources) {
			return new RwsplitHealthIndicator(monitor, RouterLookup.router(dataSources).view());
		}

		@Bean
		@ConditionalOnEnabledHealthIndicator("db")
		@ConditionalOnMissingBean(name = { "dbHealthIndicator", "dbHealthContributor" })
		RwsplitDatabaseHealthIndicator dbHealthContributor(ReplicaLagMonitor monitor) {
			return new RwsplitDatabaseHealthIndicator(monitor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(ReplicaLagMonitor.class)
	static class WithoutTheMonitor {

		@Bean
		@ConditionalOnEnabledHealthIndicator("db")
		@ConditionalOnMissingBean(name = { "dbHealthIndicator", "dbHealthContributor" })
		HealthIndicator dbHealthContributor(ObjectProvider<DataSource> dataSources) {
			ReadWriteRoutingDataSource router = RouterLookup.router(dataSources);
			DataSource primary = router.getResolvedDataSources().get(router.getTopology().primary());
			return new DataSourceHealthIndicator(primary);
		}

	}

}
