package io.github.rwsplit.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;

/**
 * When no database is configured ({@code rwsplit.primary.url} unset), starts a local MySQL
 * primary with two replicas, describes them to rwsplit, and stops them after the application
 * context has closed. Set {@code rwsplit.primary.url}, {@code rwsplit.replicas.*.url} and
 * credentials to use your own servers.
 */
class LocalClusterInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	static final String PROPERTY_SOURCE_NAME = "rwsplitLocalCluster";

	private static final Log logger = LogFactory.getLog(LocalClusterInitializer.class);

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		if (environment.containsProperty("rwsplit.primary.url")) {
			return;
		}
		logger.info("No rwsplit.primary.url configured: starting a local MySQL primary and two replicas");
		MySqlReplicationCluster cluster = MySqlReplicationClusters.start();
		// Registered before any other bean, so destroyed after all of them: the web server drains and
		// the pools close before the servers go away.
		DefaultListableBeanFactory beanFactory = (DefaultListableBeanFactory) context.getBeanFactory();
		beanFactory.registerSingleton("localMySqlCluster", cluster);
		beanFactory.registerDisposableBean("localMySqlCluster", () -> {
			logger.info("Stopping the local MySQL cluster");
			cluster.close();
		});
		environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties(cluster)));
	}

	private static Map<String, Object> properties(MySqlReplicationCluster cluster) {
		Map<String, Object> properties = new LinkedHashMap<>(RwsplitClusterProperties.of(cluster));
		for (ClusterNode node : cluster.nodes()) {
			properties.put("sample.node-names." + node.serverId(), node.name());
		}
		return properties;
	}

}
