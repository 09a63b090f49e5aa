package io.github.rwsplit.testcluster.junit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.github.rwsplit.testcluster.ClusterSpec;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

/**
 * Starts or borrows the cluster a {@link MySqlClusterTest} class asks for, resolves it as a
 * parameter, and closes a dedicated cluster after the class.
 */
public class MySqlClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private static final Map<Class<?>, MySqlReplicationCluster> DEDICATED = new ConcurrentHashMap<>();

	/**
	 * The cluster of a running {@link MySqlClusterTest} class, for static code that cannot take
	 * parameters, such as {@code @DynamicPropertySource} methods.
	 * @param testClass the test class (or a nested class inside it)
	 * @return the class's dedicated cluster, or the shared one
	 */
	public static MySqlReplicationCluster cluster(Class<?> testClass) {
		if (!settings(testClass).dedicated()) {
			return SharedMySqlCluster.get();
		}
		MySqlReplicationCluster cluster = DEDICATED.get(owner(testClass));
		if (cluster == null) {
			throw new IllegalStateException(owner(testClass).getName()
					+ " asks for a dedicated cluster, which exists only while the class runs");
		}
		return cluster;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		MySqlClusterTest settings = settings(testClass);
		if (settings.dedicated()) {
			// Nested classes run inside their enclosing class and share its cluster.
			DEDICATED.computeIfAbsent(owner(testClass),
					(type) -> MySqlReplicationClusters.start(ClusterSpec.builder().replicas(settings.replicas()).build()));
		}
		else if (settings.replicas() != 2) {
			throw new ExtensionConfigurationException(testClass.getName() + ": the shared cluster has 2 replicas; "
					+ "set dedicated = true for " + settings.replicas());
		}
		else {
			SharedMySqlCluster.get();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		if (owner(testClass) == testClass) {
			MySqlReplicationCluster cluster = DEDICATED.remove(testClass);
			if (cluster != null) {
				cluster.close();
			}
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == MySqlReplicationCluster.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return cluster(extensionContext.getRequiredTestClass());
	}

	/** The top-level class a test class is nested in (itself if it is not nested): what owns a dedicated cluster. */
	private static Class<?> owner(Class<?> testClass) {
		Class<?> owner = testClass;
		while (owner.getEnclosingClass() != null) {
			owner = owner.getEnclosingClass();
		}
		return owner;
	}

	/** The annotation on the test class, a superclass of it, or a class it is nested in. */
	private static MySqlClusterTest settings(Class<?> testClass) {
		for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
			for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
				MySqlClusterTest annotation = candidate.getAnnotation(MySqlClusterTest.class);
				if (annotation != null) {
					return annotation;
				}
			}
		}
		throw new ExtensionConfigurationException(testClass.getName() + " is not annotated with @MySqlClusterTest");
	}

}
