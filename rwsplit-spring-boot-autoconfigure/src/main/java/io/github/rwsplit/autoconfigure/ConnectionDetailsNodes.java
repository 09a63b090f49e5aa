package io.github.rwsplit.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;

import io.github.rwsplit.RwsplitConfigurationException;

/**
 * Puts the nodes of the application's own {@link RwsplitConnectionDetails} beans into the bound
 * {@link RwsplitProperties}, before anything reads them, so that the pools, the monitor, the
 * start-up checks, the report and the endpoint all see the same nodes. The properties' own
 * primary URL and replica entries are dropped whole, not merged: a test that brings its cluster
 * must not also route to the application's configured replicas.
 *
 * <p>A bean post-processor rather than a constructor argument because a dozen collaborators read
 * nodes from {@link RwsplitProperties}; changing it in one place, once, keeps them in agreement.
 */
final class ConnectionDetailsNodes implements BeanPostProcessor, BeanFactoryAware, Ordered {

	private static final Log logger = LogFactory.getLog(ConnectionDetailsNodes.class);

	private ListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public int getOrder() {
		// After binding, which happens before initialization.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof RwsplitProperties properties) {
			Map<String, RwsplitConnectionDetails> sources = sources();
			if (!sources.isEmpty()) {
				apply(properties, sources);
			}
		}
		return bean;
	}

	/** The application's own details beans; the properties-backed default is skipped by type, unborn. */
	private Map<String, RwsplitConnectionDetails> sources() {
		Map<String, RwsplitConnectionDetails> sources = new LinkedHashMap<>();
		for (String name : this.beanFactory.getBeanNamesForType(RwsplitConnectionDetails.class, true, false)) {
			Class<?> type = this.beanFactory.getType(name, false);
			if (type == null || !PropertiesRwsplitConnectionDetails.class.isAssignableFrom(type)) {
				sources.put(name, this.beanFactory.getBean(name, RwsplitConnectionDetails.class));
			}
		}
		return sources;
	}

	static void apply(RwsplitProperties properties, Map<String, RwsplitConnectionDetails> sources) {
		String primarySource = null;
		RwsplitConnectionDetails.Node primary = null;
		Map<String, RwsplitConnectionDetails.Node> replicas = new LinkedHashMap<>();
		Map<String, String> replicaSources = new LinkedHashMap<>();
		for (Map.Entry<String, RwsplitConnectionDetails> source : sources.entrySet()) {
			String sourceName = describe(source.getKey(), source.getValue());
			RwsplitConnectionDetails.Node candidate = source.getValue().primary();
			if (candidate != null) {
				if (primary != null) {
					throw new RwsplitConfigurationException("RwsplitConnectionDetails",
							"two connection-details beans supply a primary: " + primarySource + " and " + sourceName,
							"Let exactly one RwsplitConnectionDetails bean (or @ServiceConnection) supply the primary.");
				}
				primary = candidate;
				primarySource = sourceName;
			}
			for (Map.Entry<String, RwsplitConnectionDetails.Node> replica : source.getValue().replicas().entrySet()) {
				String clash = replicaSources.putIfAbsent(replica.getKey(), sourceName);
				if (clash != null) {
					throw new RwsplitConfigurationException("RwsplitConnectionDetails",
							"the replica name '" + replica.getKey() + "' is supplied by both " + clash + " and "
									+ sourceName,
							"Give every replica a distinct name across the connection-details beans.");
				}
				replicas.put(replica.getKey(), replica.getValue());
			}
		}
		if (primary == null) {
			throw new RwsplitConfigurationException("RwsplitConnectionDetails",
					"the connection-details beans " + sources.keySet() + " supply replicas but no primary",
					"Let one RwsplitConnectionDetails bean (or @ServiceConnection) supply the primary.");
		}
		int replaced = properties.getReplicas().size();
		boolean hadPrimary = properties.getPrimary().getUrl() != null;
		RwsplitProperties.Node target = properties.getPrimary();
		target.setUrl(primary.url());
		target.setUsername(primary.username());
		target.setPassword(primary.password());
		properties.getReplicas().clear();
		replicas.forEach((name, node) -> {
			RwsplitProperties.Replica replica = new RwsplitProperties.Replica();
			replica.setUrl(node.url());
			replica.setUsername(node.username());
			replica.setPassword(node.password());
			replica.setGroup(node.group());
			properties.getReplicas().put(name, replica);
		});
		if (logger.isInfoEnabled()) {
			List<String> ignored = new ArrayList<>();
			if (hadPrimary) {
				ignored.add("rwsplit.primary.url");
			}
			if (replaced > 0) {
				ignored.add(replaced + " rwsplit.replicas " + ((replaced == 1) ? "entry" : "entries"));
			}
			logger.info("rwsplit: nodes come from connection details (" + String.join(", ", sources.keySet())
					+ "): the primary and " + replicas.size() + ((replicas.size() == 1) ? " replica " : " replicas ")
					+ replicas.keySet() + (ignored.isEmpty() ? "" : "; not used: " + String.join(" and ", ignored)));
		}
	}

	private static String describe(String beanName, RwsplitConnectionDetails details) {
		return "'" + beanName + "' (" + details.getClass().getSimpleName() + ")";
	}

}
