package io.github.rwsplit.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import io.github.rwsplit.actuate.RwsplitHealthIndicator;
import io.github.rwsplit.monitor.ReplicaLagMonitor;

/**
 * The {@code rwsplit} health contributor, from the lag monitor's snapshot.
 */
@AutoConfiguration(after = RwsplitMonitorAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ReplicaLagMonitor.class)
@ConditionalOnEnabledHealthIndicator("rwsplit")
public final class RwsplitHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "rwsplitHealthIndicator")
	RwsplitHealthIndicator rwsplitHealthIndicator(ReplicaLagMonitor monitor, ObjectProvider<DataSource> dataSources) {
		return new RwsplitHealthIndicator(monitor, RouterLookup.router(dataSources).view());
	}

}
