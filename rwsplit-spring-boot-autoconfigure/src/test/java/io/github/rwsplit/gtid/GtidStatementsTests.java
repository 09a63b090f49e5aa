package io.github.rwsplit.gtid;

import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How rwsplit's GTID statements are sent: bounded on the client as well as on the server, the
 * caller's network timeout given back, and marked as rwsplit's own. A hung server is covered by
 * {@code BoundedWaitsIT}.
 */
class GtidStatementsTests {

	private static final GtidSet SET = GtidSet.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");

	@Test
	void aWaitIsBoundedOnTheClientByItsTimeoutPlusTheMarginAndTheTimeoutIsRestored() throws SQLException {
		FakeGtidNode node = new FakeGtidNode("replica-1", true, 0);
		try (Connection connection = node.getConnection()) {
			connection.setNetworkTimeout(Runnable::run, 30_000);
			assertThat(GtidStatements.awaitApplied(connection, SET, 1500)).isTrue();
			assertThat(connection.getNetworkTimeout()).isEqualTo(30_000);
		}
		assertThat(node.networkTimeouts).containsExactly(30_000, 1500 + (int) GtidStatements.CLIENT_MARGIN_MILLIS, 30_000);
	}

	@Test
	void readingTheExecutedSetIsBoundedOnTheClientTooByDefaultForTwoSeconds() throws SQLException {
		FakeGtidNode node = new FakeGtidNode("primary", true, 0);
		try (Connection connection = node.getConnection()) {
			GtidStatements.executed(connection);
			GtidStatements.executed(connection, 300);
		}
		assertThat(node.networkTimeouts).containsExactly(2000, 0, 300, 0);
	}

	@Test
	void aShorterNetworkTimeoutTheConnectionAlreadyHasIsNotLoosened() throws SQLException {
		FakeGtidNode node = new FakeGtidNode("replica-1", true, 0);
		try (Connection connection = node.getConnection()) {
			// As the lag monitor's connections carry its check timeout.
			connection.setNetworkTimeout(Runnable::run, 800);
			GtidStatements.executed(connection);
			assertThat(GtidStatements.awaitApplied(connection, SET, 1000)).isTrue();
			assertThat(connection.getNetworkTimeout()).isEqualTo(800);
		}
		assertThat(node.networkTimeouts).containsExactly(800);
	}

	@Test
	void everyStatementStartsWithTheMarker() throws SQLException {
		FakeGtidNode node = new FakeGtidNode("replica-1", false, 0);
		try (Connection connection = node.getConnection()) {
			GtidStatements.executed(connection);
			assertThat(GtidStatements.awaitApplied(connection, SET, 1)).isFalse();
		}
		assertThat(node.statements).hasSize(2).allSatisfy((sql) -> assertThat(GtidStatements.isOwn(sql)).isTrue());
		assertThat(GtidStatements.isOwn("SELECT 1")).isFalse();
		assertThat(GtidStatements.isOwn(null)).isFalse();
	}

}
