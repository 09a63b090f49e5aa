package io.github.rwsplit.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.AbstractDataSource;

import io.github.rwsplit.routing.BalancingRoutingTests.GtidNode;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Routing while the primary changes, over stub nodes whose connections name the pool they came
 * from: writes follow the primary to another node's writer pool, wait (bounded) while no node is
 * writable, are refused at once in a split brain, and checkouts stuck in a departed primary's
 * pool are released and planned again.
 */
class PrimaryChangeRoutingTests {

	private final BlockingNode primary = new BlockingNode("primary");

	private final GtidNode first = new GtidNode("replica-1", 100);

	private final GtidNode second = new GtidNode("replica-2", 100);

	private final GtidNode firstAsPrimary = new GtidNode("replica-1-as-primary", 100);

	private final GtidNode primaryAsReplica = new GtidNode("primary-as-replica", 100);

	private final ReplicaNode one = new ReplicaNode("replica-1", "default", 1, this.first, () -> 0);

	private final ReplicaNode two = new ReplicaNode("replica-2", "default", 1, this.second, () -> 0);

	private final ReplicaNode oldPrimary = new ReplicaNode("primary", "default", 1, this.primaryAsReplica, () -> 0);

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary", this.primary,
			List.of(this.one, this.two), new RoutingTopology("primary", "default", List.of(this.one, this.two)),
			(candidates) -> candidates.get(0));

	PrimaryChangeRoutingTests() {
		this.router.setRolePools(Map.of("replica-1", this.firstAsPrimary), Map.of("primary", this.oldPrimary));
	}

	@AfterEach
	void close() {
		this.primary.release.countDown();
		this.router.close();
	}

	private RoutingTopology topology(String primary, PrimaryStatus status, String reason, ReplicaNode... replicas) {
		return new RoutingTopology(primary, status, reason, "default", List.of(replicas), List.of(), null, 0);
	}

	private String write() throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.PRIMARY, null, "test");
				Connection connection = this.router.getConnection()) {
			return connection.getCatalog();
		}
	}

	private String read() throws SQLException {
		try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test");
				Connection connection = this.router.getConnection()) {
			return connection.getCatalog();
		}
	}

	@Test
	void writesFollowThePrimaryToTheNewNodesWriterPoolAndTheOldPrimaryServesReads() throws SQLException {
		this.primary.release.countDown();
		assertThat(write()).isEqualTo("primary");
		this.router.setTopology(topology("replica-1", PrimaryStatus.UP, null, this.oldPrimary, this.two));
		assertThat(write()).isEqualTo("replica-1-as-primary");
		assertThat(read()).isEqualTo("primary-as-replica");
		assertThat(this.router.view().routeCounts().routes("replica-1").values()).containsExactly(1L);
	}

	@Test
	void writesWaitForAWritablePrimaryThenFailWithTheStateAndHowLongTheyWaited() {
		this.router.setAwaitPrimaryTimeout(Duration.ofMillis(200));
		this.router.setTopology(topology("primary", PrimaryStatus.CHANGING,
				"'primary' is super_read_only, not replicating and no other node is writable", this.one, this.two));
		long started = System.nanoTime();
		assertThatExceptionOfType(SQLException.class).isThrownBy(this::write)
			.withMessageContaining("no writable primary")
			.withMessageContaining("waited 200 ms")
			.withMessageContaining("'primary' is super_read_only")
			.withMessageContaining("Nothing was sent");
		// A condition wait returns early only when signalled, and nothing signals here.
		assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
		assertThat(this.primary.checkouts).hasValue(0);
	}

	@Test
	void aWaitingWriteGoesToTheNewPrimaryAsSoonAsItIsPublished() throws Exception {
		this.router.setAwaitPrimaryTimeout(Duration.ofSeconds(30));
		this.router.setTopology(topology("primary", PrimaryStatus.CHANGING, "switching over", this.one, this.two));
		AtomicReference<Thread> writer = new AtomicReference<>();
		CompletableFuture<String> written = CompletableFuture.supplyAsync(() -> {
			writer.set(Thread.currentThread());
			try {
				return write();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> writer.get() != null
				&& writer.get().getState() == Thread.State.TIMED_WAITING);
		this.router.setTopology(topology("replica-1", PrimaryStatus.UP, null, this.oldPrimary, this.two));
		assertThat(written.get(10, TimeUnit.SECONDS)).isEqualTo("replica-1-as-primary");
	}

	@Test
	void splitBrainRefusesWritesAtOnceNamingBothNodes() {
		this.router.setAwaitPrimaryTimeout(Duration.ofSeconds(30));
		this.router.setTopology(topology("primary", PrimaryStatus.SPLIT_BRAIN,
				"'primary' and 'replica-1' are both writable", this.two));
		long started = System.nanoTime();
		assertThatExceptionOfType(SQLException.class).isThrownBy(this::write)
			.withMessageContaining("split brain")
			.withMessageContaining("'primary' and 'replica-1'");
		// Refused without the 30 s wait: anything near it would mean the write waited.
		assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(15));
	}

	@Test
	void readsMayFallBackToAReadOnlyPrimaryButNotToOneThatIsDown() throws SQLException {
		this.primary.release.countDown();
		this.router.setTopology(topology("primary", PrimaryStatus.CHANGING, "switching over"));
		assertThat(read()).isEqualTo("primary");
		this.router.setTopology(topology("primary", PrimaryStatus.DOWN, "unreachable"));
		assertThatExceptionOfType(SQLException.class).isThrownBy(this::read).withMessageContaining("primary is down");
	}

	@Test
	void aCheckoutStuckInTheOldPrimarysPoolIsReleasedAndGoesToTheNewPrimary() throws Exception {
		this.router.setAwaitPrimaryTimeout(Duration.ofSeconds(30));
		AtomicBoolean interruptedAfter = new AtomicBoolean(true);
		CompletableFuture<String> written = CompletableFuture.supplyAsync(() -> {
			try {
				return write();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				interruptedAfter.set(Thread.currentThread().isInterrupted());
			}
		});
		assertThat(this.primary.entered.await(10, TimeUnit.SECONDS)).isTrue();
		this.router.setTopology(topology("replica-1", PrimaryStatus.UP, null, this.oldPrimary, this.two));
		assertThat(written.get(10, TimeUnit.SECONDS)).isEqualTo("replica-1-as-primary");
		assertThat(interruptedAfter).as("rwsplit's own release leaves no interrupt behind").isFalse();
		assertThat(this.router.primaryCheckouts().waiting()).isZero();
	}

	@Test
	void aCheckoutStuckInAPrimaryThatGoesDownWaitsForTheNextOneAndFailsWithTheState() throws Exception {
		this.router.setAwaitPrimaryTimeout(Duration.ofMillis(100));
		CompletableFuture<String> written = CompletableFuture.supplyAsync(() -> {
			try {
				return write();
			}
			catch (SQLException ex) {
				return ex.getMessage();
			}
		});
		assertThat(this.primary.entered.await(10, TimeUnit.SECONDS)).isTrue();
		this.router.setTopology(topology("primary", PrimaryStatus.DOWN, "unreachable: connection refused", this.one));
		assertThat(written.get(10, TimeUnit.SECONDS)).contains("no writable primary").contains("is down");
	}

	@Test
	void anInterruptFromTheApplicationIsNotTakenForARelease() throws Exception {
		AtomicReference<Thread> writer = new AtomicReference<>();
		AtomicBoolean interruptedAfter = new AtomicBoolean();
		CompletableFuture<String> written = CompletableFuture.supplyAsync(() -> {
			writer.set(Thread.currentThread());
			try {
				return write();
			}
			catch (SQLException ex) {
				return ex.getClass().getSimpleName() + ": " + ex.getMessage();
			}
			finally {
				interruptedAfter.set(Thread.interrupted());
			}
		});
		assertThat(this.primary.entered.await(10, TimeUnit.SECONDS)).isTrue();
		writer.get().interrupt();
		assertThat(written.get(10, TimeUnit.SECONDS)).startsWith("SQLException: primary - Interrupted");
		assertThat(interruptedAfter).isTrue();
	}

	/** A primary pool whose checkouts wait until released, and end as HikariCP's do when interrupted. */
	static final class BlockingNode extends AbstractDataSource {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final java.util.concurrent.atomic.AtomicInteger checkouts = new java.util.concurrent.atomic.AtomicInteger();

		private final GtidNode connections;

		BlockingNode(String name) {
			this.connections = new GtidNode(name, 100);
		}

		@Override
		public Connection getConnection() throws SQLException {
			this.checkouts.incrementAndGet();
			this.entered.countDown();
			try {
				if (!this.release.await(60, TimeUnit.SECONDS)) {
					throw new SQLException("primary - Connection is not available, request timed out");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("primary - Interrupted during connection acquisition", ex);
			}
			return this.connections.getConnection();
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

	}

}
