package io.github.rwsplit.mysql;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints a native image needs for what the driver and the router create reflectively.
 */
class RwsplitRuntimeHintsTests {

	@Test
	void everyDriverPluginCanBeCreatedByClassNameAndEveryProxyIsDeclared() {
		RuntimeHints hints = new RuntimeHints();
		new RwsplitRuntimeHints().registerHints(hints, getClass().getClassLoader());
		for (Class<?> plugin : List.of(GtidCaptureInterceptor.class, ReadOnlyRouteExceptionInterceptor.class,
				ResponseTimeInterceptor.class, SlowStatementLog.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(plugin).withMemberCategory(
					MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS)).as(plugin.getSimpleName()).accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(Connection.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(Statement.class)).accepts(hints);
	}

	@Test
	void theHintsAreFoundThroughAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(RwsplitRuntimeHints.class);
	}

}
