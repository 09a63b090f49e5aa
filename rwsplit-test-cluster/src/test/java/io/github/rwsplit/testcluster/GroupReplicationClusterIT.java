package io.github.rwsplit.testcluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.github.rwsplit.testcluster.junit.GroupReplicationClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A three-member Group Replication group on real servers: who is primary, an election after the
 * primary is killed, the killed member's restart and rejoin, and a planned switch of primary. One
 * group for the class; the tests run in order, each leaving every member online.
 */
@GroupReplicationClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupReplicationClusterIT {

	private static final String TABLE = "group_it";

	private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

	@BeforeAll
	static void createTable(GroupReplicationCluster group) throws SQLException {
		try (Connection connection = group.openAdminConnection(group.primary().name());
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE " + TABLE + " (id VARCHAR(36) PRIMARY KEY, body TEXT)");
		}
	}

	@Test
	@Order(1)
	void groupStartsWithTheFirstMemberAsPrimaryAndTheOthersAsReadOnlySecondaries(GroupReplicationCluster group)
			throws SQLException {
		assertThat(group.primary().name()).isEqualTo("member-1");
		assertThat(group.members()).extracting(ClusterNode::name).containsExactly("member-1", "member-2", "member-3");
		assertThat(group.members()).extracting(ClusterNode::role)
			.containsExactly(NodeRole.PRIMARY, NodeRole.REPLICA, NodeRole.REPLICA);
		assertThat(group.memberStates()).containsOnly(Map.entry("member-1", "ONLINE"), Map.entry("member-2", "ONLINE"),
				Map.entry("member-3", "ONLINE"));
		assertThat(group.gtidExecuted("member-1")).startsWith(group.groupName());

		String id = insert(group, "member-1", "on the first primary");
		assertEverywhere(group, id, "on the first primary");
		assertWriteRefused(group, "member-2");

		Map<String, String> properties = RwsplitClusterProperties.of(group);
		assertThat(properties).containsEntry("rwsplit.primary.url", group.member("member-1").jdbcUrl())
			.containsEntry("rwsplit.replicas.member-2.url", group.member("member-2").jdbcUrl())
			.containsEntry("rwsplit.username", group.appUser().username());
	}

	@Test
	@Order(2)
	void killingThePrimaryElectsAnotherAndTheKilledMemberRejoinsAsSecondary(GroupReplicationCluster group)
			throws SQLException {
		String oldPrimary = group.primary().name();
		String before = insert(group, oldPrimary, "before the kill");

		long killed = System.nanoTime();
		group.kill(oldPrimary);
		ClusterNode newPrimary = group.awaitPrimaryElected(Duration.ofSeconds(90));
		long electionMillis = (System.nanoTime() - killed) / 1_000_000;
		System.out.printf("group: %s killed, %s elected and writable after %d ms%n", oldPrimary, newPrimary.name(),
				electionMillis);

		assertThat(newPrimary.name()).isNotEqualTo(oldPrimary);
		assertThat(group.primary().name()).isEqualTo(newPrimary.name());
		assertThat(group.memberStates()).containsEntry(oldPrimary, "OFFLINE");
		assertThat(bodyOf(group, newPrimary.name(), before)).isEqualTo("before the kill");
		String after = insert(group, newPrimary.name(), "after the election");

		long restarting = System.nanoTime();
		group.restart(oldPrimary);
		System.out.printf("group: %s restarted and ONLINE again after %d ms%n", oldPrimary,
				(System.nanoTime() - restarting) / 1_000_000);
		assertThat(group.memberStates()).containsEntry(oldPrimary, "ONLINE");
		assertThat(group.member(oldPrimary).role()).isEqualTo(NodeRole.REPLICA);
		assertThat(group.primary().name()).isEqualTo(newPrimary.name());
		assertWriteRefused(group, oldPrimary);
		assertEverywhere(group, after, "after the election");
	}

	@Test
	@Order(3)
	void setPrimaryHandsThePrimaryToAnotherMember(GroupReplicationCluster group) throws SQLException {
		String oldPrimary = group.primary().name();
		String target = group.members().stream().filter((member) -> !member.isPrimary()).findFirst().orElseThrow().name();

		long asked = System.nanoTime();
		ClusterNode newPrimary = group.setPrimary(target);
		System.out.printf("group: primary moved from %s to %s in %d ms%n", oldPrimary, target,
				(System.nanoTime() - asked) / 1_000_000);

		assertThat(newPrimary.name()).isEqualTo(target);
		assertThat(group.primary().name()).isEqualTo(target);
		assertThat(group.member(oldPrimary).role()).isEqualTo(NodeRole.REPLICA);
		assertWriteRefused(group, oldPrimary);
		String id = insert(group, target, "on the chosen primary");
		assertEverywhere(group, id, "on the chosen primary");
	}

	private static Connection connectAsApp(GroupReplicationCluster group, String member) throws SQLException {
		return DriverManager.getConnection(group.member(member).jdbcUrl(), group.appUser().username(),
				group.appUser().password());
	}

	private static String insert(GroupReplicationCluster group, String member, String body) throws SQLException {
		String id = UUID.randomUUID().toString();
		try (Connection connection = connectAsApp(group, member);
				PreparedStatement statement = connection.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?)")) {
			statement.setString(1, id);
			statement.setString(2, body);
			statement.executeUpdate();
		}
		return id;
	}

	private static String bodyOf(GroupReplicationCluster group, String member, String id) throws SQLException {
		try (Connection connection = group.openAdminConnection(member);
				PreparedStatement statement = connection.prepareStatement("SELECT body FROM " + TABLE + " WHERE id = ?")) {
			statement.setString(1, id);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? rs.getString(1) : null;
			}
		}
	}

	/** Every member applies what the primary has executed and shows the row. */
	private static void assertEverywhere(GroupReplicationCluster group, String id, String body) throws SQLException {
		String gtids = group.gtidExecuted(group.primary().name());
		for (ClusterNode member : group.members()) {
			assertThat(group.awaitGtidApplied(member.name(), gtids, Duration.ofSeconds(30))).as(member.name()).isTrue();
			assertThat(bodyOf(group, member.name(), id)).as(member.name()).isEqualTo(body);
		}
	}

	private static void assertWriteRefused(GroupReplicationCluster group, String member) {
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> insert(group, member, "refused"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(ER_OPTION_PREVENTS_STATEMENT));
	}

}
