package io.github.rwsplit.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.rwsplit.actuate.RwsplitEndpoint;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * The {@code rwsplit} Actuator endpoint, when it is available (enabled and exposed the usual
 * Spring Boot way: it is not exposed over the web unless the application says so).
 */
@AutoConfiguration(after = { RwsplitDataSourceAutoConfiguration.class, RwsplitMonitorAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(RwsplitDataSource.class)
@ConditionalOnAvailableEndpoint(endpoint = RwsplitEndpoint.class)
public final class RwsplitEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RwsplitEndpoint rwsplitEndpoint(ObjectProvider<DataSource> dataSources, ObjectProvider<ReplicaLagMonitor> monitor,
			ObjectProvider<WriteBarrier> writeBarrier) {
		return new RwsplitEndpoint(RouterLookup.router(dataSources), monitor.getIfAvailable(),
				writeBarrier.getIfAvailable());
	}

}
