package io.github.rwsplit.autoconfigure;

import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReplicaSelector;
import io.github.rwsplit.routing.RouteListener;
import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * Makes the application's {@code DataSource} a read/write router over one HikariCP pool per
 * node, from {@code rwsplit.*}.
 *
 * <p>The {@code DataSource} bean is a {@link RwsplitDataSource}: Spring's
 * {@code LazyConnectionDataSourceProxy} in front of the router, because transaction managers
 * take their connection before they publish the read-only flag; the proxy defers the choice of
 * node to the first statement. Runs before Spring Boot's own DataSource auto-configuration and
 * backs off entirely when the application defines its own {@code DataSource}, or excludes Spring
 * Boot's {@code DataSourceAutoConfiguration}: an exclusion says "no auto-configured DataSource",
 * and a test slice that excludes it must not get one from rwsplit either.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ AbstractRoutingDataSource.class, HikariDataSource.class })
@ConditionalOnProperty(prefix = RwsplitProperties.PREFIX, name = "enabled", matchIfMissing = true)
@Conditional({ OnRwsplitConfiguredCondition.class, OnDataSourceAutoConfigurationNotExcludedCondition.class })
@ConditionalOnMissingBean(DataSource.class)
@EnableConfigurationProperties(RwsplitProperties.class)
public final class RwsplitDataSourceAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RwsplitDataSourceAutoConfiguration.class);

	/** Puts nodes from the application's own {@link RwsplitConnectionDetails} beans into the properties. */
	@Bean
	static ConnectionDetailsNodes rwsplitConnectionDetailsNodes() {
		return new ConnectionDetailsNodes();
	}

	@Bean
	@ConditionalOnMissingBean(RwsplitConnectionDetails.class)
	PropertiesRwsplitConnectionDetails rwsplitConnectionDetails(RwsplitProperties properties) {
		return new PropertiesRwsplitConnectionDetails(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaSelector rwsplitReplicaSelector(RwsplitProperties properties) {
		return properties.getLoadBalancing().createSelector();
	}

	@Bean
	@ConditionalOnMissingBean
	PrimaryStartupCheck rwsplitPrimaryStartupCheck(RwsplitProperties properties) {
		return PrimaryStartupCheck.run(properties);
	}

	/**
	 * Takes the start-up check so that it runs, and fails, before anything can ask the pools for a
	 * connection; the application's {@link RouteListener} beans are told where each connection went.
	 */
	@Bean
	RwsplitDataSource dataSource(RwsplitProperties properties, ReplicaSelector replicaSelector,
			PrimaryStartupCheck primaryCheck, Environment environment, ObjectProvider<RouteListener> routeListeners) {
		reportIgnoredSpringDatasource(environment);
		RwsplitDataSource dataSource = NodePoolFactory.create(properties, replicaSelector);
		dataSource.getRouter().setRouteListener(RouteListener.of(routeListeners.orderedStream().toList()));
		if (primaryCheck.downReason() != null && properties.getMonitor().isEnabled()) {
			// Work that needs the primary fails at once instead of waiting out the pool's checkout
			// timeout; the monitor's first check, before traffic, publishes what it finds then.
			var router = dataSource.getRouter();
			var topology = router.getTopology();
			router.setTopology(new io.github.rwsplit.routing.RoutingTopology(topology.primary(),
					"refused at start-up: " + primaryCheck.downReason(), topology.defaultGroup(), topology.replicas(),
					java.util.List.of(), null, 0));
		}
		return dataSource;
	}

	/**
	 * Boot's {@code spring.datasource.*} is easy to leave behind when adding rwsplit, and would
	 * otherwise look as if it still chose the server.
	 */
	private static void reportIgnoredSpringDatasource(Environment environment) {
		List<String> set = Stream.of("url", "username", "password")
			.map((key) -> "spring.datasource." + key)
			.filter(environment::containsProperty)
			.toList();
		if (!set.isEmpty()) {
			logger.warn("rwsplit: " + String.join(", ", set) + ((set.size() == 1) ? " is" : " are")
					+ " set, but rwsplit's DataSource ignores " + ((set.size() == 1) ? "it" : "them")
					+ ": nodes and logins come from rwsplit.primary, rwsplit.replicas and rwsplit.username/password. "
					+ "Remove spring.datasource.* or move the values there.");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = RwsplitProperties.PREFIX + ".write-barrier", name = "enabled", matchIfMissing = true)
	WriteBarrier rwsplitWriteBarrier(ObjectProvider<DataSource> dataSources, RwsplitProperties properties) {
		RwsplitProperties.WriteBarrier barrier = properties.getWriteBarrier();
		return new WriteBarrier(RouterLookup.router(dataSources), barrier.getTimeout(), barrier.getOnTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	AutocommitReadsActivator rwsplitAutocommitReadsActivator(ObjectProvider<DataSource> dataSources,
			RwsplitProperties properties) {
		return new AutocommitReadsActivator(RouterLookup.router(dataSources), properties.getRouting().getAutocommitReads());
	}

	@Bean
	@ConditionalOnMissingBean
	RwsplitStartupReport rwsplitStartupReport(ObjectProvider<DataSource> dataSources, RwsplitProperties properties,
			ObjectProvider<ReplicaLagMonitor> monitor) {
		return new RwsplitStartupReport(RouterLookup.router(dataSources), properties, monitor);
	}

}
