package io.github.rwsplit.it.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.it.topology.MixedLoad.Write;
import io.github.rwsplit.it.topology.TopologyApp.MonitorProfile;
import io.github.rwsplit.it.topology.TopologyApp.ValueRead;
import io.github.rwsplit.it.topology.TopologyApp.Written;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;
import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.GroupReplicationCluster;
import io.github.rwsplit.testcluster.junit.GroupReplicationClusterTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * rwsplit on a Group Replication group (single primary, the engine of InnoDB Cluster) as a
 * first-class topology (issue 14): read-your-writes offloads to secondaries with no stale read,
 * although the group hands out GTIDs in blocks, and when the primary dies rwsplit writes to the one
 * the group elects, with no restart. Which server answered is asked of the server, in the
 * transaction itself.
 *
 * <p>rwsplit is configured from the group as it is at the start ({@link TopologyApp#group}): its
 * {@code rwsplit.primary} is the member that was the primary then, and every other member a
 * replica under its member name, so a member elected later is known to rwsplit by its member name.
 *
 * <p>A group of its own (there is no shared one): the primary is killed. The kill comes last, and
 * the killed member is started again and rejoins before the test ends.
 */
@GroupReplicationClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupReplicationIT {

	private static final int PAIRS = 200;

	/**
	 * What a busy two-core machine adds to the two check intervals before a write succeeds on the
	 * new primary; see FollowPrimaryIT's margin, which this repeats: a check slowed to its timeout,
	 * a first connection to the node, the write itself. Measured from {@code awaitPrimaryElected},
	 * which returns only once the elected member is writable.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(1);

	private static final Duration FOLLOW_BOUND = TopologyApp.INTERVAL.multipliedBy(2).plus(MARGIN);

	/** As in FollowPrimaryIT: recovery checks one interval apart, the first check, two margins. */
	private static final Duration ADMISSION_BOUND = TopologyApp.INTERVAL.multipliedBy(3 + 2).plus(MARGIN.multipliedBy(2));

	/**
	 * How long the group may take to elect: XCom's fixed five-second suspicion delay, then the
	 * election (about 6-7 s in all on a two-core machine, see {@link GroupReplicationCluster}), with
	 * room for a machine slower still.
	 */
	private static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(60);

	/** A member this class killed and has not restarted yet. */
	private static volatile String down;

	@AfterEach
	void restartAKilledMember(GroupReplicationCluster group) {
		ConsistencyContext.clear();
		if (down != null) {
			group.restart(down);
			down = null;
		}
	}

	@AfterAll
	static void forgetThisThreadsSession() {
		ConsistencyContext.clear();
	}

	@Test
	@Order(1)
	void readYourWritesIsServedBySecondariesWithNoStaleRead(GroupReplicationCluster group) throws SQLException {
		String table = "gr_values";
		executeOnGroup(group, TopologyApp.createValueTable(table));
		try (TopologyApp app = TopologyApp
			.start(TopologyApp.group(group, MonitorProfile.FAST, "rwsplit.consistency.mode=gtid"))) {
			long primaryId = group.primary().serverId();
			int stale = 0;
			int onSecondaries = 0;
			List<String> staleReads = new ArrayList<>();
			try (ConsistencyContext.Scope session = ConsistencyContext.open(ConsistencyToken.EMPTY,
					ConsistencyContext.TokenSink.NONE)) {
				for (int i = 0; i < PAIRS; i++) {
					String value = "gr-" + i;
					Written written = app.ops.insertValue(table, value);
					assertThat(written.answer().serverId()).as("write %d", i).isEqualTo(primaryId);
					ValueRead read = app.ops.readValue(table, written.id());
					if (!value.equals(read.value())) {
						stale++;
						staleReads.add(i + " on " + read.answer() + ": " + read.value());
					}
					if (read.answer().serverId() != primaryId) {
						onSecondaries++;
					}
				}
			}
			System.out.printf("rwsplit-measure group-replication read-your-writes stale=%d/%d on-secondaries=%d/%d%n",
					stale, PAIRS, onSecondaries, PAIRS);
			assertThat(staleReads).as("stale reads").isEmpty();
			assertThat(onSecondaries).as("reads after a write served by secondaries")
				.isGreaterThanOrEqualTo(PAIRS * 9 / 10);
		}
	}

	@Test
	@Order(2)
	void whenThePrimaryDiesRwsplitWritesToTheElectedOneWithoutARestart(GroupReplicationCluster group)
			throws Exception {
		String table = "gr_load";
		executeOnGroup(group, TopologyApp.createLoadTable(table));
		try (TopologyApp app = TopologyApp.start(TopologyApp.group(group, MonitorProfile.FAST));
				MixedLoad load = MixedLoad.start(app, table, 2, 2)) {
			ClusterNode old = group.primary();
			String oldName = app.topology().primary();
			List<Long> secondaryIds = group.members()
				.stream()
				.filter((member) -> !member.isPrimary())
				.map((member) -> (long) member.serverId())
				.toList();
			await("the load runs").atMost(Duration.ofSeconds(30))
				.until(() -> load.acknowledgedOn(old.serverId(), Instant.EPOCH) >= 20
						&& load.readsByServer().keySet().containsAll(secondaryIds));
			assertThat(app.writesGoTo(oldName)).isTrue();
			assertThat(load.failedWrites()).as("failed writes before the kill").isEmpty();

			Instant beforeKill = Instant.now();
			group.kill(old.name());
			down = old.name();
			ClusterNode elected = group.awaitPrimaryElected(ELECTION_TIMEOUT);
			Instant electedAt = Instant.now();
			System.out.printf("rwsplit-measure group-replication %s elected %d ms after %s was killed%n", elected.name(),
					Duration.between(beforeKill, electedAt).toMillis(), old.name());

			// Poll the load's outcomes with a deadline; the bound is then checked on the first write's time.
			Write first = await("a write on " + elected.name()).atMost(FOLLOW_BOUND.plusSeconds(10))
				.pollInterval(Duration.ofMillis(10))
				.until(() -> load.firstAcknowledgedOn(elected.serverId(), beforeKill), Objects::nonNull);
			Duration resumedAfter = Duration.between(electedAt, first.finished());
			System.out.printf("rwsplit-measure group-replication first write %d ms after the election%n",
					resumedAfter.toMillis());
			assertThat(resumedAfter).as("from the election to %s", first).isLessThanOrEqualTo(FOLLOW_BOUND);
			RoutingTopology topology = app.topology();
			assertThat(topology.primary()).isEqualTo(elected.name());
			assertThat(topology.primaryStatus()).isEqualTo(PrimaryStatus.UP);
			assertThat(app.snapshot().primary()).isEqualTo(elected.name());
			assertThat(load.writes((w) -> w.acknowledged() && w.started().isAfter(beforeKill)))
				.as("writes acknowledged after the kill")
				.allSatisfy((w) -> assertThat(w.answer().serverId()).as("%s", w).isEqualTo(elected.serverId()));
			// The group may name a new primary before that member has turned super_read_only off (it
			// applies its backlog first): rwsplit must wait for both, so no write meets a read-only member.
			assertThat(load.writes((w) -> w.answer().readOnly())).as("writes that met a read-only member").isEmpty();
			// The election waits neither for the dead member nor for rwsplit; the await for a writable
			// primary bounds every write, and the dead member's pool never holds one for its timeout.
			Write longest = load.longestWrite();
			assertThat(longest.duration()).as("the longest write, %s", longest)
				.isLessThanOrEqualTo(TopologyApp.AWAIT_PRIMARY_TIMEOUT.plus(FOLLOW_BOUND));

			// The group certified every acknowledged write on a majority before the old primary
			// acknowledged it, so none is lost; the new primary may still be applying its backlog.
			Set<Long> acknowledged = load.acknowledgedIds();
			await("every acknowledged write on " + elected.name()).atMost(Duration.ofSeconds(30))
				.until(() -> missing(acknowledged, idsOn(group, elected.name(), table)).isEmpty());

			// The old primary, started again, rejoins as a secondary and serves reads.
			group.restart(old.name());
			down = null;
			await(old.name() + " serves reads as a secondary").atMost(ADMISSION_BOUND)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> app.ops.read(table).serverId() == old.serverId());

			load.stop();
			System.out.println("rwsplit-measure group-replication election " + load.summary());
			assertThat(load.failedReads()).as("reads carry on from secondaries throughout").isEmpty();
			assertThat(load.writes((w) -> w.answer().readOnly()))
				.as("writes that met a read-only member, the rejoined one included")
				.isEmpty();
		}
	}

	/** Runs statements on the primary and waits until every member has applied them. */
	@Test
	@Order(3)
	void aMemberNoConfigurationNamesIsDiscoveredFromTheGroupAndServesReads(GroupReplicationCluster group)
			throws SQLException {
		String table = "gr_discovery";
		executeOnGroup(group, TopologyApp.createLoadTable(table));
		ClusterNode hidden = group.members().stream().filter((member) -> !member.isPrimary()).reduce((a, b) -> b)
			.orElseThrow();
		// Every member's URL differs only in host and port: the template is one of them with placeholders.
		String template = hidden.jdbcUrl().replace(hidden.host() + ":" + hidden.port(), "{host}:{port}");
		java.util.Map<String, Object> properties = TopologyApp.group(group, MonitorProfile.FAST,
				"rwsplit.topology.member-url-template=" + template);
		properties.keySet().removeIf((key) -> key.startsWith("rwsplit.replicas." + hidden.name() + "."));
		// The group reports members by report_host and port.
		String discovered = "127.0.0.1-" + hidden.port();
		try (TopologyApp app = TopologyApp.start(properties)) {
			assertThat(app.router.nodeNames()).doesNotContain(discovered);
			await("the monitor discovers the member and puts it in rotation").atMost(ADMISSION_BOUND.plus(FOLLOW_BOUND))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> app.snapshot().replica(discovered) != null
						&& app.snapshot().replica(discovered).state().inRotation());
			long hiddenId = hidden.serverId();
			await("reads reach the discovered member").atMost(Duration.ofSeconds(10))
				.until(() -> app.ops.read(table).serverId() == hiddenId);
			assertThat(app.router.nodeNames()).containsOnlyOnce(discovered);
		}
	}

	static void executeOnGroup(GroupReplicationCluster group, String... statements) throws SQLException {
		String primary = group.primary().name();
		try (Connection connection = group.openAdminConnection(primary);
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		String executed = group.gtidExecuted(primary);
		for (ClusterNode member : group.members()) {
			assertThat(group.awaitGtidApplied(member.name(), executed, Duration.ofSeconds(30)))
				.as("%s applied %s", member.name(), executed)
				.isTrue();
		}
	}

	static Set<Long> idsOn(GroupReplicationCluster group, String member, String table) throws SQLException {
		try (Connection connection = group.openAdminConnection(member)) {
			return TopologyApp.idsOn(connection, table);
		}
	}

	private static Set<Long> missing(Set<Long> expected, Set<Long> actual) {
		Set<Long> missing = new HashSet<>(expected);
		missing.removeAll(actual);
		return missing;
	}

}
