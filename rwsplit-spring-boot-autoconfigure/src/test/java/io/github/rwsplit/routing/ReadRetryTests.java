package io.github.rwsplit.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.routing.StatementRoutingConnectionTests.RecordingNode;
import io.github.rwsplit.statement.SqlClassifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The read-retry decision over recording nodes: which failures are connection-class, which units
 * of work may run again, that the retry avoids the replica that failed, and that a statement-routed
 * read runs once more on another node.
 */
class ReadRetryTests {

	private final List<String> log = Collections.synchronizedList(new ArrayList<>());

	private final RecordingNode primary = new RecordingNode("primary", this.log);

	private final RecordingNode replica1 = new RecordingNode("replica-1", this.log);

	private final RecordingNode replica2 = new RecordingNode("replica-2", this.log);

	private final List<ReplicaNode> replicas = List.of(new ReplicaNode("replica-1", "default", 1, this.replica1, () -> 0),
			new ReplicaNode("replica-2", "default", 1, this.replica2, () -> 0));

	private final ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary", this.primary,
			this.replicas, new RoutingTopology("primary", "default", this.replicas), new RoundRobinReplicaSelector());

	@AfterEach
	void forget() {
		ConsistencyContext.clear();
	}

	static final class CommunicationsException extends RuntimeException {

		CommunicationsException(String message) {
			super(message);
		}

	}

	@Test
	void connectionClassFailuresAreTheOnlyOnesRetried() {
		assertThat(ConnectionFailures.isConnectionFailure(new SQLException("Communications link failure", "08S01")))
			.isTrue();
		assertThat(ConnectionFailures.isConnectionFailure(
				new DataAccessResourceFailureException("wrapped", new SQLException("gone", "08003")))).isTrue();
		assertThat(ConnectionFailures.isConnectionFailure(new SQLException("killed", "70100", 1927))).isTrue();
		assertThat(ConnectionFailures.isConnectionFailure(new SQLException("lost", "HY000", 2013))).isTrue();
		assertThat(ConnectionFailures.isConnectionFailure(new RuntimeException(new CommunicationsException("EOF"))))
			.isTrue();
		assertThat(ConnectionFailures.isConnectionFailure(new SQLSyntaxErrorException("bad SQL", "42000", 1064)))
			.isFalse();
		assertThat(ConnectionFailures.isConnectionFailure(
				new DataIntegrityViolationException("dup", new SQLException("Duplicate", "23000", 1062)))).isFalse();
		assertThat(ConnectionFailures.isConnectionFailure(new SQLException("query interrupted", "70100", 1317)))
			.isFalse();
		assertThat(ConnectionFailures.isConnectionFailure(new IllegalStateException("no"))).isFalse();
	}

	@Test
	void aRollbackThatFailedIsJudgedByWhatTheWorkMet() {
		TransactionSystemException afterBadSql = new TransactionSystemException("rollback failed",
				new SQLException("gone", "08003"));
		afterBadSql.initApplicationException(new SQLSyntaxErrorException("bad SQL", "42000"));
		assertThat(ConnectionFailures.isConnectionFailure(afterBadSql)).isFalse();
		TransactionSystemException afterLostConnection = new TransactionSystemException("rollback failed");
		afterLostConnection.initApplicationException(new SQLException("lost", "08S01"));
		assertThat(ConnectionFailures.isConnectionFailure(afterLostConnection)).isTrue();
	}

	@Test
	void workThatOnlyUsedAReplicaRunsOnceMoreWithoutIt() throws SQLException {
		try (ReadAttempt attempt = ReadAttempt.open();
				RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test")) {
			String first = checkout();
			SQLException lost = new SQLException("Communications link failure", "08S01");
			assertThat(attempt.retryableFailure(lost)).isEqualTo(first);
			attempt.retrying(first, lost, "test");
			// The retry's plans exclude the failed replica, every time.
			for (int i = 0; i < 4; i++) {
				assertThat(checkout()).isNotEqualTo(first);
			}
			assertThat(attempt.retryableFailure(lost)).as("at most once").isNull();
			attempt.retried(true);
			assertThat(this.router.view().routeCounts().readRetries(first)).containsEntry("succeeded", 1L);
		}
		assertThat(RoutingContext.state().readAttempt).isNull();
	}

	@Test
	void workThatTouchedThePrimaryIsNeverRetried() throws SQLException {
		try (ReadAttempt attempt = ReadAttempt.open()) {
			try (RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test")) {
				checkout();
			}
			try (RoutingContext.Scope scope = RoutingContext.enter(Route.PRIMARY, null, "test")) {
				assertThat(checkout()).isEqualTo("primary");
			}
			assertThat(attempt.retryableFailure(new SQLException("lost", "08S01"))).isNull();
		}
	}

	@Test
	void aReadThatFellBackToThePrimaryIsNeverRetried() throws SQLException {
		this.router.setTopology(new RoutingTopology("primary", "default", List.of()));
		try (ReadAttempt attempt = ReadAttempt.open();
				RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test")) {
			assertThat(checkout()).isEqualTo("primary");
			assertThat(attempt.retryableFailure(new SQLException("lost", "08S01"))).isNull();
		}
	}

	@Test
	void failuresOfTheWorkItselfAreNotRetried() throws SQLException {
		try (ReadAttempt attempt = ReadAttempt.open();
				RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test")) {
			checkout();
			assertThat(attempt.retryableFailure(new SQLSyntaxErrorException("bad SQL", "42000", 1064))).isNull();
		}
	}

	@Test
	void withRetriesOffNothingIsRetried() throws SQLException {
		this.router.setRetryReads(false);
		try (ReadAttempt attempt = ReadAttempt.open();
				RoutingContext.Scope scope = RoutingContext.enter(Route.REPLICA, null, "test")) {
			checkout();
			assertThat(attempt.retryableFailure(new SQLException("lost", "08S01"))).isNull();
		}
	}

	@Test
	void onlyTheOutermostBoundaryOpensAUnitAndNeverInsideARunningTransaction() {
		try (ReadAttempt outer = ReadAttempt.open()) {
			assertThat(outer).isNotNull();
			assertThat(ReadAttempt.open()).isNull();
		}
		TransactionSynchronizationManager.setActualTransactionActive(true);
		try {
			assertThat(ReadAttempt.open()).isNull();
		}
		finally {
			TransactionSynchronizationManager.setActualTransactionActive(false);
		}
	}

	@Test
	void anAutocommitReadThatLostItsReplicaRunsOnceMoreOnTheOther() throws SQLException {
		this.router.setAutocommitReads(Route.REPLICA, new SqlClassifier(List.of(), 16));
		// Round robin sends the first read to replica-1, which has lost its connection.
		this.replica1.failingStatementCalls.add("executeQuery");
		this.replica1.failingStatementState = "08S01";
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			statement.executeQuery("SELECT 1");
			statement.executeQuery("SELECT 2");
		}
		assertThat(this.log).filteredOn((line) -> line.contains(": executeQuery")).containsExactly(
				"replica-2: executeQuery SELECT 1", "replica-2: executeQuery SELECT 2");
		assertThat(this.router.view().routeCounts().readRetries("replica-1")).containsEntry("succeeded", 1L);
		// The broken connection went back to its pool at once; nothing leaked.
		assertThat(this.replica1.checkedOut()).isZero();
		assertThat(this.replica2.checkedOut()).isZero();
		assertThat(this.replica1.openStatements()).isZero();
	}

	@Test
	void anAutocommitReadWithABadStatementFailsOnce() throws SQLException {
		this.router.setAutocommitReads(Route.REPLICA, new SqlClassifier(List.of(), 16));
		this.replica1.failingStatementCalls.add("executeQuery");
		this.replica2.failingStatementCalls.add("executeQuery");
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("SELECT 1"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("HY000"));
		}
		assertThat(this.router.view().routeCounts().readRetries("replica-1")).isEmpty();
		assertThat(this.router.view().routeCounts().readRetries("replica-2")).isEmpty();
	}

	@Test
	void anAutocommitReadIsNotRetriedWhenRetriesAreOff() throws SQLException {
		this.router.setRetryReads(false);
		this.router.setAutocommitReads(Route.REPLICA, new SqlClassifier(List.of(), 16));
		this.replica1.failingStatementCalls.add("executeQuery");
		this.replica1.failingStatementState = "08S01";
		this.replica2.failingStatementCalls.add("executeQuery");
		this.replica2.failingStatementState = "08S01";
		try (Connection connection = this.router.getConnection(); Statement statement = connection.createStatement()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("SELECT 1"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08S01"));
		}
		assertThat(this.log).filteredOn((line) -> line.contains(": executeQuery")).isEmpty();
	}

	/** Checks a connection out and returns the node it went to. */
	private String checkout() throws SQLException {
		try (Connection connection = this.router.getConnection()) {
			return ReadWriteRoutingDataSource.lastRoutedNode();
		}
	}

}
