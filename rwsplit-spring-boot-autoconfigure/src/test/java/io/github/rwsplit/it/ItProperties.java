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

}
