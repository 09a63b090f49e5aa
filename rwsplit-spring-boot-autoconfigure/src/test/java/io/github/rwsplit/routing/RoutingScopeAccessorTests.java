package io.github.rwsplit.routing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.transaction.TransactionExecution;

import io.github.rwsplit.consistency.ConsistencyMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the routing-scope accessor carries to another thread: the innermost scope's routing and the
 * autocommit-reads override, as the other thread's own; never a transaction's route.
 */
class RoutingScopeAccessorTests {

	private final RoutingScopeAccessor accessor = new RoutingScopeAccessor();

	private final ExecutorService other = Executors.newSingleThreadExecutor();

	@AfterEach
	void close() {
		this.other.shutdownNow();
	}

	private <T> T onOtherThread(Supplier<T> work) throws Exception {
		return CompletableFuture.supplyAsync(work, this.other).get(10, TimeUnit.SECONDS);
	}

	@Test
	void aThreadWithoutScopeCarriesNothing() {
		assertThat(this.accessor.getValue()).isNull();
	}

	@Test
	void theInnermostScopeArrivesAsTheOtherThreadsOwnAndLeavesWithTheWork() throws Exception {
		Object carried;
		try (RoutingContext.Scope outer = RoutingContext.enter(Route.PRIMARY, null, "outer");
				RoutingContext.Scope inner = RoutingContext.enter(Route.REPLICA, "reporting", Duration.ofSeconds(1),
						ConsistencyMode.EVENTUAL, "inner")) {
			carried = this.accessor.getValue();
		}
		RouteIntent seen = onOtherThread(() -> {
			Object previous = this.accessor.getValue();
			this.accessor.setValue(carried);
			RouteIntent intent = IntentResolver.resolve(RoutingContext.state());
			// The work closes its copy: the submitter's scopes are not its to close.
			RoutingContext.state().scope.close();
			if (previous != null) {
				this.accessor.restore(previous);
			}
			else {
				this.accessor.restore();
			}
			return intent;
		});
		assertThat(seen.route()).isEqualTo(Route.REPLICA);
		assertThat(seen.group()).isEqualTo("reporting");
		assertThat(seen.maxLagNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
		assertThat(seen.mode()).isEqualTo(ConsistencyMode.EVENTUAL);
		assertThat(onOtherThread(() -> RoutingContext.state().scope)).as("nothing left on the pool thread").isNull();
		assertThat(RoutingContext.state().scope).isNull();
	}

	@Test
	void theAutocommitReadsOverrideTravelsToo() throws Exception {
		Object carried;
		try (RoutingContext.AutocommitReadsScope scope = RoutingContext.autocommitReads(Route.REPLICA)) {
			carried = this.accessor.getValue();
		}
		assertThat(onOtherThread(() -> {
			this.accessor.setValue(carried);
			Route seen = RoutingContext.state().autocommitReads;
			this.accessor.restore();
			return seen;
		})).isEqualTo(Route.REPLICA);
		assertThat(onOtherThread(() -> RoutingContext.state().autocommitReads)).isNull();
	}

	@Test
	void aTransactionsRouteIsNeverCarried() {
		TransactionExecution readOnly = new TransactionExecution() {

			@Override
			public boolean isReadOnly() {
				return true;
			}

		};
		RoutingContext.transactionBegan(readOnly);
		try {
			assertThat(RoutingContext.state().transaction).isNotNull();
			assertThat(this.accessor.getValue()).isNull();
		}
		finally {
			RoutingContext.transactionEnded(readOnly);
		}
	}

}
