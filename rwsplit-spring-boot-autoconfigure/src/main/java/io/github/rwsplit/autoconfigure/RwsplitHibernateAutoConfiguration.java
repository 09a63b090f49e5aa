package io.github.rwsplit.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.github.rwsplit.RwsplitConfigurationException;

import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * Makes Hibernate give its connection back at the end of every transaction.
 *
 * <p>Spring's Hibernate integration otherwise holds a session's connection until the session
 * closes; with open-session-in-view that is the end of the web request. The lazy proxy's
 * connection then stays bound to whichever node the request's first statement went to, so a
 * read-write transaction after a replica read would run on the replica. Releasing after each
 * transaction lets every transaction route on its own; the pool makes the extra checkout cheap.
 * An explicit {@code spring.jpa.properties.hibernate.connection.handling_mode} is left alone.
 *
 * <p>The price: Spring's Hibernate dialect applies a custom isolation level
 * ({@code @Transactional(isolation = ...)}) only when connections are held until the session
 * closes, so such transactions fail. {@code RoutingAnnotationVerifier} stops start-up when it finds
 * one; turn this off with {@code rwsplit.jpa.release-connection-after-transaction=false}.
 */
@AutoConfiguration(before = HibernateJpaAutoConfiguration.class, after = RwsplitDataSourceAutoConfiguration.class)
@ConditionalOnClass(HibernatePropertiesCustomizer.class)
@ConditionalOnBean(RwsplitDataSource.class)
public final class RwsplitHibernateAutoConfiguration {

	static final String HANDLING_MODE = "hibernate.connection.handling_mode";

	static final String CUSTOMIZER_BEAN = "rwsplitConnectionHandlingCustomizer";

	static final String METADATA_ACCESS = "hibernate.boot.allow_jdbc_metadata_access";

	@Bean(CUSTOMIZER_BEAN)
	@ConditionalOnProperty(prefix = "rwsplit.jpa", name = "release-connection-after-transaction", matchIfMissing = true)
	HibernatePropertiesCustomizer rwsplitConnectionHandlingCustomizer() {
		return (properties) -> properties.putIfAbsent(HANDLING_MODE, "DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION");
	}

	/**
	 * With the primary down at start-up (allowed by {@code rwsplit.startup.allow-primary-down}),
	 * Hibernate would wait out the primary pool's checkout timeout to read the dialect from it,
	 * then fail with "Unable to determine Dialect". With a dialect configured, it is told not to
	 * ask; without one, start-up stops here and says which setting is missing.
	 */
	@Bean
	HibernatePropertiesCustomizer rwsplitPrimaryDownAtStartupCustomizer(ObjectProvider<PrimaryStartupCheck> check,
			Environment environment) {
		return (properties) -> {
			PrimaryStartupCheck primary = check.getIfAvailable();
			if (primary == null || primary.downReason() == null) {
				return;
			}
			if (environment.getProperty("spring.jpa.database-platform") == null
					&& properties.get("hibernate.dialect") == null) {
				throw new RwsplitConfigurationException("rwsplit.startup.allow-primary-down",
						"the primary refused at start-up (" + primary.downReason() + "), and Hibernate needs it to "
								+ "determine its dialect",
						"Set spring.jpa.database-platform=org.hibernate.dialect.MySQLDialect, so that Hibernate "
								+ "starts without asking the primary; or start the primary first.");
			}
			properties.putIfAbsent(METADATA_ACCESS, "false");
		};
	}

}
