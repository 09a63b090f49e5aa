package io.github.rwsplit.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.rwsplit.metrics.RwsplitMetrics;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * rwsplit's Micrometer meters, when Micrometer is on the classpath; Spring Boot binds them to
 * every registry. Without Micrometer none of this exists and nothing is measured beyond the
 * router's own counts.
 */
@AutoConfiguration(after = { RwsplitDataSourceAutoConfiguration.class, RwsplitMonitorAutoConfiguration.class })
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(RwsplitDataSource.class)
public final class RwsplitMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RwsplitMetrics rwsplitMetrics(ObjectProvider<DataSource> dataSources, ObjectProvider<ReplicaLagMonitor> monitor,
			ObjectProvider<WriteBarrier> writeBarrier) {
		ReadWriteRoutingDataSource router = RouterLookup.router(dataSources);
		List<HikariDataSource> pools = router
			.getResolvedDataSources()
			.values()
			.stream()
			.filter(HikariDataSource.class::isInstance)
			.map(HikariDataSource.class::cast)
			.toList();
		return new RwsplitMetrics(router, monitor.getIfAvailable(), pools).withWriteBarrier(writeBarrier.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean(name = "rwsplitPoolTagFilter")
	MeterFilter rwsplitPoolTagFilter() {
		return RwsplitMetrics.poolTagIsNodeName();
	}

}
