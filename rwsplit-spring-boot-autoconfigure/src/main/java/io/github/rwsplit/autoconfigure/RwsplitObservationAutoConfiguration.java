package io.github.rwsplit.autoconfigure;

import javax.sql.DataSource;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.rwsplit.observation.ObservationWaitObserver;
import io.github.rwsplit.observation.WaitObservationConvention;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.routing.WaitObserver;

/**
 * Micrometer Observations of rwsplit's own waits, when Micrometer's Observation API is on the
 * classpath: they go to the application's {@link ObservationRegistry} bean (Spring Boot's, with
 * Actuator), and to none without one ({@link ObservationRegistry#NOOP}: nothing is observed and
 * nothing allocated). A {@link WaitObserver} bean of the application's own replaces the default;
 * either one is given to the router, whose write barriers use it too.
 */
@AutoConfiguration(after = RwsplitDataSourceAutoConfiguration.class)
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(RwsplitDataSource.class)
public final class RwsplitObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WaitObserver rwsplitWaitObserver(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<WaitObservationConvention> convention) {
		return new ObservationWaitObserver(registry.getIfAvailable(() -> ObservationRegistry.NOOP),
				convention.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	WaitObserverInstaller rwsplitWaitObserverInstaller(ObjectProvider<DataSource> dataSources, WaitObserver observer) {
		return new WaitObserverInstaller(dataSources, observer);
	}

	/** Gives the router its wait observer as soon as both exist, before any work can wait. */
	static final class WaitObserverInstaller implements InitializingBean {

		private final ObjectProvider<DataSource> dataSources;

		private final WaitObserver observer;

		WaitObserverInstaller(ObjectProvider<DataSource> dataSources, WaitObserver observer) {
			this.dataSources = dataSources;
			this.observer = observer;
		}

		@Override
		public void afterPropertiesSet() {
			RouterLookup.router(this.dataSources).setWaitObserver(this.observer);
		}

	}

}
