package io.github.rwsplit.routing;

import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.routing.PrimaryChangeRoutingTests.BlockingNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The registry of checkouts on primary pools: what a release ends, what it leaves alone, and that
 * rwsplit's interrupts never reach the application.
 */
class PrimaryCheckoutsTests {

	private final PrimaryCheckouts checkouts = new PrimaryCheckouts();

	private final TopologyHolder primaryUp = new TopologyHolder(
			new RoutingTopology("primary", "default", java.util.List.of()), java.util.Set.of("primary"));

	private final TopologyHolder primaryMoved = new TopologyHolder(
			new RoutingTopology("replica-1", "default", java.util.List.of()), java.util.Set.of("primary", "replica-1"));

	@Test
	void aCheckoutThatRegistersAfterTheChangeWasPublishedReleasesItselfWithoutAskingThePool() {
		BlockingNode pool = new BlockingNode("primary");
		assertThatExceptionOfType(PrimaryCheckouts.Released.class)
			.isThrownBy(() -> this.checkouts.open("primary", pool, true, this.primaryMoved));
		assertThat(pool.checkouts).hasValue(0);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
		assertThat(this.checkouts.waiting()).isZero();
	}

	@Test
	void aReleaseOfWritesLeavesReadsWaitingAndAReleaseOfAllEndsThem() throws Exception {
		BlockingNode pool = new BlockingNode("primary");
		AtomicBoolean interruptedAfter = new AtomicBoolean(true);
		CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
			try (Connection connection = this.checkouts.open("primary", pool, false, this.primaryUp)) {
				return connection.getCatalog();
			}
			catch (Exception ex) {
				return ex.getClass().getSimpleName();
			}
			finally {
				interruptedAfter.set(Thread.currentThread().isInterrupted());
			}
		});
		assertThat(pool.entered.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.checkouts.release("primary", true)).isZero();
		assertThat(this.checkouts.release("replica-1", false)).isZero();
		assertThat(this.checkouts.release("primary", false)).isOne();
		assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("Released");
		assertThat(interruptedAfter).isFalse();
	}

	@Test
	void anInterruptTheThreadAlreadyHadIsKeptThroughARelease() {
		BlockingNode pool = new BlockingNode("primary");
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(PrimaryCheckouts.Released.class)
				.isThrownBy(() -> this.checkouts.open("primary", pool, true, this.primaryMoved));
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void aPoolThatThrowsAnUncheckedExceptionFreesItsSlotAndPassesTheExceptionOn() {
		javax.sql.DataSource failing = new org.springframework.jdbc.datasource.AbstractDataSource() {

			@Override
			public Connection getConnection() {
				throw new IllegalStateException("pool failed to start");
			}

			@Override
			public Connection getConnection(String username, String password) {
				return getConnection();
			}

		};
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.checkouts.open("primary", failing, true, this.primaryUp))
			.withMessage("pool failed to start");
		assertThat(this.checkouts.waiting()).isZero();
	}

}
