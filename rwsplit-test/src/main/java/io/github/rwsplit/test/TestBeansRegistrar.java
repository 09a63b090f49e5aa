package io.github.rwsplit.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

import io.github.rwsplit.autoconfigure.RwsplitProperties;
import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;
import io.github.rwsplit.routing.RouteListener;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.testcluster.stub.StubDataSource;

/**
 * Declares the beans of {@link RecordRoutes}, {@link RwsplitTestCluster} and
 * {@link RwsplitStubNodes}, from the attributes on the test class.
 */
class TestBeansRegistrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware {

	static final String STUB_PRIMARY = "primary";

	private @Nullable ListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, @Nullable Object> recordRoutes = metadata.getAnnotationAttributes(RecordRoutes.class.getName());
		if (recordRoutes != null) {
			register(registry, "rwsplitRouteRecorder", new RootBeanDefinition(RouteRecorder.class));
			if (Boolean.TRUE.equals(recordRoutes.get("deterministicReplicas"))) {
				RootBeanDefinition selector = new RootBeanDefinition(FirstByNameReplicaSelector.class);
				// Ahead of a selector the application declares itself.
				selector.setPrimary(true);
				register(registry, "rwsplitFirstByNameReplicaSelector", selector);
			}
		}
		Map<String, @Nullable Object> cluster = metadata.getAnnotationAttributes(RwsplitTestCluster.class.getName());
		if (cluster != null) {
			String[] groups = (String[]) cluster.get("groups");
			register(registry, "rwsplitTestClusterConnectionDetails", new RootBeanDefinition(
					TestClusterConnectionDetails.class, () -> TestClusterConnectionDetails.ofSharedCluster(groups)));
		}
		Map<String, @Nullable Object> stubs = metadata.getAnnotationAttributes(RwsplitStubNodes.class.getName());
		if (stubs != null) {
			if (cluster != null) {
				throw new IllegalStateException(metadata.getClassName()
						+ " has both @RwsplitStubNodes and @RwsplitTestCluster: choose stub nodes (no MySQL) or the real cluster");
			}
			String[] replicas = (String[]) stubs.get("replicas");
			register(registry, "rwsplitStubNodesProperties", new RootBeanDefinition(StubNodesProperties.class));
			register(registry, "dataSource", new RootBeanDefinition(RwsplitDataSource.class, () -> stubNodes(replicas)));
		}
	}

	private static void register(BeanDefinitionRegistry registry, String name, RootBeanDefinition definition) {
		if (!registry.containsBeanDefinition(name)) {
			registry.registerBeanDefinition(name, definition);
		}
	}

	private RwsplitDataSource stubNodes(String[] replicas) {
		ListableBeanFactory beans = this.beanFactory;
		String defaultGroup = beans.getBean(RwsplitProperties.class).getDefaultGroup();
		List<ReplicaNode> nodes = new ArrayList<>();
		for (String replica : replicas) {
			NameAndGroup entry = NameAndGroup.parse(replica, "@RwsplitStubNodes(replicas)", defaultGroup);
			nodes.add(new ReplicaNode(entry.name(), entry.group(), 1, new StubDataSource(entry.name()), () -> 0));
		}
		ReplicaSelector selector = beans.getBeanProvider(ReplicaSelector.class).getIfAvailable(RoundRobinReplicaSelector::new);
		ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource(STUB_PRIMARY, new StubDataSource(STUB_PRIMARY),
				nodes, new RoutingTopology(STUB_PRIMARY, defaultGroup, nodes), selector);
		router.setRouteListener(RouteListener.of(beans.getBeanProvider(RouteListener.class).orderedStream().toList()));
		return new RwsplitDataSource(router, () -> {
		});
	}

	/** rwsplit's properties, which its DataSource auto-configuration would bind, had it not backed off. */
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RwsplitProperties.class)
	static class StubNodesProperties {

	}

	/** A {@code name} or {@code name=group} entry of an annotation. */
	record NameAndGroup(String name, String group) {

		static NameAndGroup parse(String entry, String attribute, String defaultGroup) {
			int equals = entry.indexOf('=');
			String name = ((equals < 0) ? entry : entry.substring(0, equals)).trim();
			String group = (equals < 0) ? defaultGroup : entry.substring(equals + 1).trim();
			if (name.isEmpty() || group.isEmpty()) {
				throw new IllegalArgumentException(attribute + ": '" + entry
						+ "' is not a replica name, nor name=group; write e.g. \"replica-2\" or \"replica-2=reporting\"");
			}
			return new NameAndGroup(name, group);
		}

	}

}
