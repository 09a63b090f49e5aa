package io.github.rwsplit.testcluster.junit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.github.rwsplit.testcluster.ClusterSpec;
import io.github.rwsplit.testcluster.GroupReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;

/**
 * Starts the group a {@link GroupReplicationClusterTest} class asks for, resolves it as a
 * parameter, and closes it after the class. Nested classes share their enclosing class's group.
 */
public class GroupReplicationClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private static final Map<Class<?>, GroupReplicationCluster> GROUPS = new ConcurrentHashMap<>();

	/**
	 * The group of a running {@link GroupReplicationClusterTest} class, for static code that cannot
	 * take parameters.
	 * @param testClass the test class (or a nested class inside it)
	 * @return the class's group
	 */
	public static GroupReplicationCluster cluster(Class<?> testClass) {
		GroupReplicationCluster group = GROUPS.get(owner(testClass));
		if (group == null) {
			throw new IllegalStateException(owner(testClass).getName()
					+ " has no Group Replication group: it exists only while the class runs");
		}
		return group;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		int members = settings(testClass).members();
		if (members < 2 || members > 9) {
			throw new ExtensionConfigurationException(testClass.getName() + ": members must be 2 to 9, was " + members);
		}
		GROUPS.computeIfAbsent(owner(testClass), (type) -> MySqlReplicationClusters
			.startGroupReplication(ClusterSpec.builder().replicas(members - 1).build()));
	}

	@Override
	public void afterAll(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		if (owner(testClass) == testClass) {
			GroupReplicationCluster group = GROUPS.remove(testClass);
			if (group != null) {
				group.close();
			}
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == GroupReplicationCluster.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return cluster(extensionContext.getRequiredTestClass());
	}

	private static Class<?> owner(Class<?> testClass) {
		Class<?> owner = testClass;
		while (owner.getEnclosingClass() != null) {
			owner = owner.getEnclosingClass();
		}
		return owner;
	}

	private static GroupReplicationClusterTest settings(Class<?> testClass) {
		for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
			for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
				GroupReplicationClusterTest annotation = candidate.getAnnotation(GroupReplicationClusterTest.class);
				if (annotation != null) {
					return annotation;
				}
			}
		}
		throw new ExtensionConfigurationException(testClass.getName() + " is not annotated with @GroupReplicationClusterTest");
	}

}
