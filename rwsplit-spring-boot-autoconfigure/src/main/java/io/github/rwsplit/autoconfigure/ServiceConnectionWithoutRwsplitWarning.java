package io.github.rwsplit.autoconfigure;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

import io.github.rwsplit.routing.RwsplitDataSource;

/**
 * Says once, at start-up, why rwsplit is not routing when a service connection (Testcontainers'
 * {@code @ServiceConnection}, Docker Compose) supplies a MySQL database to Spring Boot's own
 * DataSource while rwsplit has no nodes: without it, adding a MySQL container to a test makes
 * rwsplit back off in silence and every read goes to that one server.
 */
final class ServiceConnectionWithoutRwsplitWarning implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(ServiceConnectionWithoutRwsplitWarning.class);

	/** Boot's own, from {@code spring.datasource.*}: a choice the application made, not a service connection. */
	private static final String PROPERTIES_DETAILS = "org.springframework.boot.jdbc.autoconfigure.PropertiesJdbcConnectionDetails";

	private final ListableBeanFactory beanFactory;

	ServiceConnectionWithoutRwsplitWarning(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		String message = message();
		if (message != null) {
			logger.warn(message);
		}
	}

	/** The warning, or {@code null} when there is nothing to say. */
	@Nullable String message() {
		if (this.beanFactory.getBeanNamesForType(RwsplitDataSource.class, false, false).length > 0) {
			return null;
		}
		List<String> mysql = this.beanFactory.getBeansOfType(JdbcConnectionDetails.class, false, false)
			.entrySet()
			.stream()
			.filter((entry) -> !entry.getValue().getClass().getName().equals(PROPERTIES_DETAILS))
			.filter((entry) -> isMySql(entry.getValue()))
			.map((entry) -> "'" + entry.getKey() + "'")
			.toList();
		if (mysql.isEmpty()) {
			return null;
		}
		return "rwsplit is not routing: the service connection " + String.join(", ", mysql)
				+ " supplies one MySQL server to Spring Boot's DataSource, and rwsplit has no nodes "
				+ "(no rwsplit.primary, rwsplit.replicas or RwsplitConnectionDetails bean), so every statement goes to "
				+ "that server. To route, supply the nodes as RwsplitConnectionDetails: @ServiceConnection(name = \"rwsplit-primary\") "
				+ "and @ServiceConnection(name = \"rwsplit-replica\", type = RwsplitConnectionDetails.class) on the containers, rwsplit test support, or rwsplit.primary/replicas; "
				+ "see docs/testing.md.";
	}

	private static boolean isMySql(JdbcConnectionDetails details) {
		try {
			String url = details.getJdbcUrl();
			return url != null && url.startsWith("jdbc:mysql:");
		}
		catch (RuntimeException ex) {
			// A container that is not started yet cannot say; say nothing rather than fail start-up.
			return false;
		}
	}

}
