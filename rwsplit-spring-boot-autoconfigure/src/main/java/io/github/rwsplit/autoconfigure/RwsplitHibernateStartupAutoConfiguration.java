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
 * Lets Hibernate start while the primary is down, when {@code rwsplit.startup.allow-primary-down}
 * allows that. Hibernate would otherwise wait out the primary pool's checkout timeout to read the
 * dialect from it, then fail with "Unable to determine Dialect". With a dialect configured it is
 * told not to read JDBC metadata at start-up; without one, start-up stops here and names the
 * setting. Does nothing when the primary answered the start-up check.
 */
@AutoConfiguration(before = HibernateJpaAutoConfiguration.class, after = RwsplitDataSourceAutoConfiguration.class)
@ConditionalOnClass(HibernatePropertiesCustomizer.class)
@ConditionalOnBean(RwsplitDataSource.class)
@ConditionalOnProperty(prefix = "rwsplit.startup", name = "allow-primary-down")
public final class RwsplitHibernateStartupAutoConfiguration {

	static final String METADATA_ACCESS = "hibernate.boot.allow_jdbc_metadata_access";

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
