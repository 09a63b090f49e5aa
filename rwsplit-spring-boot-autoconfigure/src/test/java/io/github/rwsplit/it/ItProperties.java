package io.github.rwsplit.it;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;

/**
 * Properties the real-cluster tests start their applications with.
 */
public final class ItProperties {

	/** Leaves JPA out of applications that use JDBC only (the test class path has Hibernate for the JPA tests). */
	public static final String EXCLUDE_JPA = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
			+ "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration";

	private ItProperties() {
	}

	/**
	 * rwsplit pointed at a cluster, in a JDBC-only application without migrations.
	 * @param cluster the cluster
	 * @return a new, modifiable map
	 */
	public static Map<String, Object> jdbcOnly(MySqlReplicationCluster cluster) {
		Map<String, Object> properties = new LinkedHashMap<>(RwsplitClusterProperties.of(cluster));
		properties.put("spring.flyway.enabled", "false");
		properties.put("spring.autoconfigure.exclude", EXCLUDE_JPA);
		return properties;
	}

	/**
	 * rwsplit pointed at a cluster, in a JDBC-only application without migrations, with a fast
	 * monitor that never takes a replica out for lag (30 s), and more settings.
	 * @param cluster the cluster
	 * @param settings more properties, each as {@code name=value}
	 * @return a new, modifiable map
	 */
	public static Map<String, Object> fastMonitor(MySqlReplicationCluster cluster, String... settings) {
		Map<String, Object> properties = jdbcOnly(cluster);
		properties.put("rwsplit.monitor.max-lag", "30s");
		properties.put("rwsplit.monitor.interval", "300ms");
		properties.put("rwsplit.monitor.check-timeout", "250ms");
		for (String setting : settings) {
			int equals = setting.indexOf('=');
			properties.put(setting.substring(0, equals), setting.substring(equals + 1));
		}
		return properties;
	}

}
