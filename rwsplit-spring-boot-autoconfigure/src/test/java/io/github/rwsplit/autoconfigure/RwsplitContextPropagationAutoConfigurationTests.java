package io.github.rwsplit.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyContextAccessor;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.Route;
import io.github.rwsplit.routing.RoutingContext;
import io.github.rwsplit.routing.RoutingScopeAccessor;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Async} work on an executor decorated with Spring's {@link ContextPropagatingTaskDecorator}:
 * with {@code rwsplit.context-propagation.enabled} it reads in the submitter's session and routing
 * scope, without it in neither, and never in those of the task before it on the same pool thread.
 * Routing is real, over stub nodes whose connections name their node.
 */
class RwsplitContextPropagationAutoConfigurationTests {

	private static final ConsistencyToken TOKEN = ConsistencyToken
		.of(GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10"), 1000);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitContextPropagationAutoConfiguration.class))
		.withUserConfiguration(AsyncConfiguration.class);

	@Test
	void asyncWorkSeesTheSubmittersTokenAndScopeWhenEnabled() {
		this.runner.withPropertyValues("rwsplit.context-propagation.enabled=true").run((context) -> {
			AsyncReads reads = context.getBean(AsyncReads.class);
			Seen seen = submitInSessionAndScope(reads);
			assertThat(seen.token()).isEqualTo(TOKEN);
			assertThat(seen.node()).isEqualTo("replica-1");
		});
	}

	@Test
	void asyncWorkSeesNeitherWhenDisabled() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(RwsplitContextPropagationAutoConfiguration.class);
			Seen seen = submitInSessionAndScope(context.getBean(AsyncReads.class));
			assertThat(seen.token()).isEqualTo(ConsistencyToken.EMPTY);
			assertThat(seen.node()).isEqualTo("primary");
		});
	}

	@Test
	void theNextTaskOnTheSamePoolThreadStartsClean() {
		this.runner.withPropertyValues("rwsplit.context-propagation.enabled=true").run((context) -> {
			AsyncReads reads = context.getBean(AsyncReads.class);
			Seen first = submitInSessionAndScope(reads);
			Seen next = reads.read().get(10, TimeUnit.SECONDS);
			assertThat(next.thread()).as("one pool thread").isEqualTo(first.thread());
			assertThat(next.token()).isEqualTo(ConsistencyToken.EMPTY);
			assertThat(next.node()).isEqualTo("primary");
		});
	}

	@Test
	void theSubmittersSessionAndScopeAreUntouchedByTheWork() {
		this.runner.withPropertyValues("rwsplit.context-propagation.enabled=true").run((context) -> {
			AsyncReads reads = context.getBean(AsyncReads.class);
			ReadWriteRoutingDataSource router = context.getBean(ReadWriteRoutingDataSource.class);
			try (ConsistencyContext.Scope session = ConsistencyContext.open(TOKEN, null);
					RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test")) {
				reads.writeAndRead().get(10, TimeUnit.SECONDS);
				assertThat(ConsistencyContext.currentToken()).isEqualTo(TOKEN);
				try (Connection connection = router.getConnection()) {
					assertThat(connection.getCatalog()).isEqualTo("replica-1");
				}
			}
		});
	}

	@Test
	void theAccessorsAreRegisteredWhileTheContextRunsOnly() {
		this.runner.withPropertyValues("rwsplit.context-propagation.enabled=true").run((context) -> {
			assertThat(keys()).contains(ConsistencyContextAccessor.KEY, RoutingScopeAccessor.KEY);
		});
		assertThat(keys()).doesNotContain(ConsistencyContextAccessor.KEY, RoutingScopeAccessor.KEY);
	}

	@Test
	void closingOneApplicationLeavesPropagationOnForAnotherStillRunning() {
		this.runner.withPropertyValues("rwsplit.context-propagation.enabled=true").run((running) -> {
			this.runner.withPropertyValues("rwsplit.context-propagation.enabled=true")
				.run((closedFirst) -> assertThat(keys()).contains(ConsistencyContextAccessor.KEY));
			assertThat(keys()).contains(ConsistencyContextAccessor.KEY, RoutingScopeAccessor.KEY);
		});
		assertThat(keys()).doesNotContain(ConsistencyContextAccessor.KEY, RoutingScopeAccessor.KEY);
	}

	@Test
	void withoutTheLibraryNothingIsRegistered() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RwsplitContextPropagationAutoConfiguration.class))
			.withPropertyValues("rwsplit.context-propagation.enabled=true")
			.withClassLoader(new FilteredClassLoader(ContextRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RwsplitContextPropagationAutoConfiguration.class));
	}

	private static List<Object> keys() {
		return ContextRegistry.getInstance().getThreadLocalAccessors().stream().map(ThreadLocalAccessor::key).toList();
	}

	private static Seen submitInSessionAndScope(AsyncReads reads) throws Exception {
		try (ConsistencyContext.Scope session = ConsistencyContext.open(TOKEN, null);
				RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test")) {
			return reads.read().get(10, TimeUnit.SECONDS);
		}
	}

	/** What the work saw: its token, where its connection went, its thread. */
	record Seen(ConsistencyToken token, String node, String thread) {
	}

	static class AsyncReads {

		private final ReadWriteRoutingDataSource router;

		AsyncReads(ReadWriteRoutingDataSource router) {
			this.router = router;
		}

		@Async
		CompletableFuture<Seen> read() throws SQLException {
			try (Connection connection = this.router.getConnection()) {
				return CompletableFuture.completedFuture(new Seen(ConsistencyContext.currentToken(),
						connection.getCatalog(), Thread.currentThread().getName()));
			}
		}

		/** Changes its own session and scope, which must stay its own. */
		@Async
		CompletableFuture<Void> writeAndRead() {
			ConsistencyContext.recordWrite();
			RoutingContext.enter(Route.PRIMARY, null, "left open by the work");
			return CompletableFuture.completedFuture(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncConfiguration {

		@Bean
		ThreadPoolTaskExecutor taskExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setCorePoolSize(1);
			executor.setMaxPoolSize(1);
			executor.setTaskDecorator(new ContextPropagatingTaskDecorator());
			return executor;
		}

		@Bean
		ReadWriteRoutingDataSource router() {
			List<ReplicaNode> replicas = List
				.of(new ReplicaNode("replica-1", "default", 1, new StubDataSource("replica-1"), () -> 0));
			return new ReadWriteRoutingDataSource("primary", new StubDataSource("primary"), replicas,
					new RoutingTopology("primary", "default", replicas), new RoundRobinReplicaSelector());
		}

		@Bean
		AsyncReads asyncReads(ReadWriteRoutingDataSource router) {
			return new AsyncReads(router);
		}

	}

}
