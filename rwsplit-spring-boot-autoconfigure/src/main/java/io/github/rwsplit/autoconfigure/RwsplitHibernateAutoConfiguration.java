package io.github.rwsplit.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;

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
@ConditionalOnProperty(prefix = "rwsplit.jpa", name = "release-connection-after-transaction", matchIfMissing = true)
public final class RwsplitHibernateAutoConfiguration {

	static final String HANDLING_MODE = "hibernate.connection.handling_mode";

	static final String CUSTOMIZER_BEAN = "rwsplitConnectionHandlingCustomizer";

	@Bean(CUSTOMIZER_BEAN)
	HibernatePropertiesCustomizer rwsplitConnectionHandlingCustomizer() {
		return (properties) -> properties.putIfAbsent(HANDLING_MODE, "DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION");
	}

}
