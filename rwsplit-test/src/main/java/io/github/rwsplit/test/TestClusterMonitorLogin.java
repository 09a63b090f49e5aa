package io.github.rwsplit.test;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

import io.github.rwsplit.testcluster.Credentials;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

/**
 * For {@link RwsplitTestCluster}: the monitor logs in to the test cluster with the cluster's own
 * account, not with a monitor account the application configures for its real servers
 * ({@code rwsplit.monitor.username}/{@code password}), which the test cluster does not have.
 */
class TestClusterMonitorLogin implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		// As Spring finds the @Import: on the class, its superclasses, and the classes that enclose a @Nested one.
		boolean annotated = TestContextAnnotationUtils.hasAnnotation(testClass, RwsplitTestCluster.class);
		return annotated ? new Customizer() : null;
	}

	/** Equal to every other: the login is the shared cluster's, the same for every test class. */
	private static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration configuration) {
			Credentials app = SharedMySqlCluster.get().appUser();
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("rwsplitTestClusterMonitorLogin",
						Map.of("rwsplit.monitor.username", app.username(), "rwsplit.monitor.password", app.password())));
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Customizer;
		}

		@Override
		public int hashCode() {
			return Customizer.class.hashCode();
		}

	}

}
