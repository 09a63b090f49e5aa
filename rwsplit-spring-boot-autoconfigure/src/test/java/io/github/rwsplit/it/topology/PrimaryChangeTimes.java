package io.github.rwsplit.it.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.it.topology.MixedLoad.FailedRead;
import io.github.rwsplit.it.topology.MixedLoad.Write;
import io.github.rwsplit.it.topology.TopologyApp.MonitorProfile;
import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.FailoverResult;
import io.github.rwsplit.testcluster.GroupReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.MySqlReplicationClusters;
import io.github.rwsplit.testcluster.SwitchoverResult;

import static org.awaitility.Awaitility.await;

/**
 * Measures how rwsplit follows a change of primary under {@link MixedLoad}: for planned
 * switchovers, unplanned failovers (SIGKILL of the primary, promotion of the most advanced replica)
 * and Group Replication elections (SIGKILL of the group's primary), per monitor profile, the time
 * from the new primary turning writable to the first write it acknowledged (p50 and max), the
 * failed writes and failed reads per change, and writes that met a read-only server. Prints one
 * line per change as it happens and a table at the end. Judges nothing: the ITs do
 * ({@link FollowPrimaryIT}, {@link GroupReplicationIT}).
 *
 * <p>Not part of the suite: the class name matches neither {@code *Test} nor {@code *IT}, and it
 * runs only with {@code -Drwsplit.measure=true}. It starts its own cluster and group (about 20 to
 * 40 minutes in all with ten runs of each on a two-core machine):
 *
 * <pre>
 * RWSPLIT_CLUSTER_TAG=measure ./mvnw -o -pl rwsplit-spring-boot-autoconfigure -am verify \
 *     -Drwsplit.measure=true -Dit.test=PrimaryChangeTimes -Dtest=NONE \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>Options: {@code -Drwsplit.measure.runs=10} (changes of each kind per profile),
 * {@code -Drwsplit.measure.profiles=DEFAULTS,FAST} (see {@link MonitorProfile}; {@code FASTER}
 * checks every 250 ms), {@code -Drwsplit.measure.kinds=switchover,failover,election}.
 *
 * <p>Windows: a change's failures are those that ended between the moment just before the change
 * began and the moment the harness saw the application settled (a write acknowledged by the new
 * primary, ten more, and a read served by the old primary, or by the killed one once it rejoined).
 * For elections the group reports no time of its own, so the harness polls the surviving members'
 * {@code super_read_only} every 10 ms and takes the first member seen writable.
 */
@EnabledIfSystemProperty(named = "rwsplit.measure", matches = "true")
class PrimaryChangeTimes {

	private static final int RUNS = Integer.getInteger("rwsplit.measure.runs", 10);

	private static final List<MonitorProfile> PROFILES = Arrays
		.stream(System.getProperty("rwsplit.measure.profiles", "DEFAULTS,FAST").split(","))
		.map(String::trim)
		.map(MonitorProfile::valueOf)
		.toList();

	private static final List<String> KINDS = List
		.of(System.getProperty("rwsplit.measure.kinds", "switchover,failover,election").split(","));

	/** Far beyond anything expected: a change not followed by then is reported as such. */
	private static final Duration FOLLOW_DEADLINE = Duration.ofSeconds(60);

	private static final int READERS = 3;

	private static final int WRITERS = 3;

	/**
	 * One change of primary, as measured.
	 *
	 * @param kind switchover, failover or election
	 * @param profile the monitor settings
	 * @param from the old primary
	 * @param to the new primary
	 * @param unavailableMillis how long no node was writable, as the cluster reports it
	 * @param firstWriteMillis from the new primary turning writable to its first acknowledged write,
	 * {@code null} when none came within {@link #FOLLOW_DEADLINE}
	 * @param failedWrites writes that failed in the change's window
	 * @param failedReads reads that failed in the change's window
	 * @param metReadOnly writes in the window that met a server saying it was read-only
	 */
	record Sample(String kind, MonitorProfile profile, String from, String to, long unavailableMillis,
			Long firstWriteMillis, long failedWrites, long failedReads, long metReadOnly) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"rwsplit-measure primary-change %s %s %s -> %s: unavailable %d ms, first write %s, "
							+ "failed writes %d, failed reads %d, met read-only %d",
					this.kind, this.profile, this.from, this.to, this.unavailableMillis,
					(this.firstWriteMillis != null) ? this.firstWriteMillis + " ms" : "never", this.failedWrites,
					this.failedReads, this.metReadOnly);
		}

	}

	@Test
	void measure() throws Exception {
		List<Sample> samples = new ArrayList<>();
		try {
			if (KINDS.contains("switchover") || KINDS.contains("failover")) {
				try (MySqlReplicationCluster cluster = MySqlReplicationClusters.start()) {
					for (MonitorProfile profile : PROFILES) {
						if (KINDS.contains("switchover")) {
							switchovers(cluster, profile, samples);
						}
						if (KINDS.contains("failover")) {
							failovers(cluster, profile, samples);
						}
					}
				}
			}
			if (KINDS.contains("election")) {
				try (GroupReplicationCluster group = MySqlReplicationClusters.startGroupReplication()) {
					for (MonitorProfile profile : PROFILES) {
						elections(group, profile, samples);
					}
				}
			}
		}
		finally {
			ConsistencyContext.clear();
			printTable(samples);
		}
	}

	private static void switchovers(MySqlReplicationCluster cluster, MonitorProfile profile, List<Sample> samples)
			throws SQLException {
		String table = "measure_switchover_" + profile.name().toLowerCase(Locale.ROOT);
		cluster.executeOnPrimaryAndAwaitReplicas(TopologyApp.createLoadTable(table));
		try (TopologyApp app = TopologyApp.start(quiet(TopologyApp.replication(cluster, profile)));
				MixedLoad load = MixedLoad.start(app, table, READERS, WRITERS)) {
			awaitSteady(load, cluster.primary().serverId());
			for (int run = 0; run < RUNS; run++) {
				String target = nextNode(cluster);
				Instant mark = Instant.now();
				SwitchoverResult result = cluster.switchover(target);
				long newId = cluster.node(target).serverId();
				Long first = firstWrite(load, newId, mark, result.newPrimaryWritableAt());
				settle(app, load, newId, mark, cluster.node(result.oldPrimary()).serverId());
				record(samples, new Sample("switchover", profile, result.oldPrimary(), target,
						result.writeUnavailability().toMillis(), first, 0, 0, 0), load, mark);
			}
		}
	}

	private static void failovers(MySqlReplicationCluster cluster, MonitorProfile profile, List<Sample> samples)
			throws SQLException {
		String table = "measure_failover_" + profile.name().toLowerCase(Locale.ROOT);
		cluster.executeOnPrimaryAndAwaitReplicas(TopologyApp.createLoadTable(table));
		try (TopologyApp app = TopologyApp.start(quiet(TopologyApp.replication(cluster, profile)));
				MixedLoad load = MixedLoad.start(app, table, READERS, WRITERS)) {
			awaitSteady(load, cluster.primary().serverId());
			for (int run = 0; run < RUNS; run++) {
				Instant mark = Instant.now();
				FailoverResult result = cluster.failover();
				long newId = cluster.node(result.newPrimary()).serverId();
				Long first = firstWrite(load, newId, mark, result.newPrimaryWritableAt());
				cluster.restart(result.failedPrimary());
				cluster.rejoinAsReplica(result.failedPrimary());
				settle(app, load, newId, mark, cluster.node(result.failedPrimary()).serverId());
				record(samples, new Sample("failover", profile, result.failedPrimary(), result.newPrimary(),
						result.writeUnavailability().toMillis(), first, 0, 0, 0), load, mark);
			}
		}
	}

	private static void elections(GroupReplicationCluster group, MonitorProfile profile, List<Sample> samples)
			throws SQLException {
		String table = "measure_election_" + profile.name().toLowerCase(Locale.ROOT);
		GroupReplicationIT.executeOnGroup(group, TopologyApp.createLoadTable(table));
		try (TopologyApp app = TopologyApp.start(quiet(TopologyApp.group(group, profile)));
				MixedLoad load = MixedLoad.start(app, table, READERS, WRITERS)) {
			awaitSteady(load, group.primary().serverId());
			for (int run = 0; run < RUNS; run++) {
				ClusterNode old = group.primary();
				Map<String, Connection> survivors = new LinkedHashMap<>();
				try {
					for (ClusterNode member : group.members()) {
						if (!member.name().equals(old.name())) {
							survivors.put(member.name(), group.openAdminConnection(member.name()));
						}
					}
					Instant mark = Instant.now();
					group.kill(old.name());
					Map.Entry<String, Instant> writable = firstWritable(survivors, mark.plus(FOLLOW_DEADLINE));
					ClusterNode elected = group.awaitPrimaryElected(FOLLOW_DEADLINE);
					Instant writableAt = (writable != null) ? writable.getValue() : Instant.now();
					Long first = firstWrite(load, elected.serverId(), mark, writableAt);
					group.restart(old.name());
					settle(app, load, elected.serverId(), mark, old.serverId());
					record(samples, new Sample("election", profile, old.name(), elected.name(),
							Duration.between(mark, writableAt).toMillis(), first, 0, 0, 0), load, mark);
				}
				finally {
					for (Connection connection : survivors.values()) {
						try {
							connection.close();
						}
						catch (SQLException ex) {
							// A connection to a member that died with the group's change; nothing to close.
						}
					}
				}
			}
		}
	}

	/** The node after the current primary, in name order, round and round. */
	private static String nextNode(MySqlReplicationCluster cluster) {
		List<String> names = cluster.nodes().stream().map(ClusterNode::name).sorted().toList();
		return names.get((names.indexOf(cluster.primary().name()) + 1) % names.size());
	}

	/**
	 * The first member seen writable, polling every 10 ms on connections opened before the kill.
	 * @return its name and when it was seen, or {@code null} when none by the deadline
	 */
	private static Map.Entry<String, Instant> firstWritable(Map<String, Connection> members, Instant deadline) {
		while (Instant.now().isBefore(deadline)) {
			for (Map.Entry<String, Connection> member : members.entrySet()) {
				try (Statement statement = member.getValue().createStatement();
						ResultSet rs = statement.executeQuery("SELECT @@global.super_read_only OR @@global.read_only")) {
					if (rs.next() && !rs.getBoolean(1)) {
						return Map.entry(member.getKey(), Instant.now());
					}
				}
				catch (SQLException ex) {
					// A member that cannot answer now is not the one elected now.
				}
			}
			LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
		}
		return null;
	}

	/**
	 * Milliseconds from the new primary turning writable to its first acknowledged write (negative
	 * when the write was acknowledged before the cluster noted the time), or {@code null} when none
	 * came within {@link #FOLLOW_DEADLINE}.
	 */
	private static Long firstWrite(MixedLoad load, long serverId, Instant mark, Instant writableAt) {
		try {
			await().atMost(FOLLOW_DEADLINE)
				.pollInterval(Duration.ofMillis(10))
				.until(() -> load.firstAcknowledgedOn(serverId, mark), Objects::nonNull);
		}
		catch (ConditionTimeoutException ex) {
			return null;
		}
		return Duration.between(writableAt, load.firstAcknowledgedOn(serverId, mark).finished()).toMillis();
	}

	/**
	 * Waits until the application has settled after a change: ten writes on the new primary and a
	 * read on the node that left the role. Gives up after the deadline without failing, so that the
	 * remaining runs are still measured; the failures are counted in the window anyway.
	 */
	private static void settle(TopologyApp app, MixedLoad load, long newPrimaryId, Instant mark, long formerPrimaryId) {
		awaitQuietly(() -> load.acknowledgedOn(newPrimaryId, mark) >= 10);
		awaitQuietly(() -> app.ops.read(load.table()).serverId() == formerPrimaryId);
	}

	private static void awaitQuietly(BooleanSupplier done) {
		try {
			await().atMost(FOLLOW_DEADLINE)
				.pollInterval(Duration.ofMillis(20))
				.ignoreExceptions()
				.until(done::getAsBoolean);
		}
		catch (ConditionTimeoutException ex) {
			System.out.println("rwsplit-measure primary-change did not settle within " + FOLLOW_DEADLINE);
		}
	}

	private static void awaitSteady(MixedLoad load, long primaryId) {
		await("the load runs").atMost(Duration.ofSeconds(60))
			.until(() -> load.acknowledgedOn(primaryId, Instant.EPOCH) >= 20);
	}

	/** Adds a change's window counts to its sample and prints it. */
	private static void record(List<Sample> samples, Sample measured, MixedLoad load, Instant mark) {
		Instant end = Instant.now();
		List<Write> failedWrites = load.writes((w) -> !w.acknowledged() && inWindow(w.finished(), mark, end));
		long metReadOnly = load.writes((w) -> w.answer().readOnly() && inWindow(w.finished(), mark, end)).size();
		long failedReads = load.failedReads().stream().map(FailedRead::finished).filter((t) -> inWindow(t, mark, end)).count();
		Sample sample = new Sample(measured.kind(), measured.profile(), measured.from(), measured.to(),
				measured.unavailableMillis(), measured.firstWriteMillis(), failedWrites.size(), failedReads, metReadOnly);
		samples.add(sample);
		System.out.println(sample + " " + MixedLoad.tally(failedWrites.stream().map(Write::error).toList()));
	}

	private static boolean inWindow(Instant time, Instant from, Instant to) {
		return !time.isBefore(from) && time.isBefore(to);
	}

	private static Map<String, Object> quiet(Map<String, Object> properties) {
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "warn");
		// HikariCP logs every connection a killed server broke, with its stack trace.
		properties.put("logging.level.com.zaxxer.hikari", "error");
		return properties;
	}

	private static void printTable(List<Sample> samples) {
		StringBuilder table = new StringBuilder();
		table.append(String.format(Locale.ROOT, "%n%-11s %-9s %4s %9s %9s %9s %10s %10s %10s %10s %10s %10s%n",
				"change", "monitor", "runs", "p50 ms", "max ms", "never", "unavail.", "fail.wr.", "fail.wr.", "fail.rd.",
				"fail.rd.", "met r/o"));
		table.append(String.format(Locale.ROOT, "%-11s %-9s %4s %9s %9s %9s %10s %10s %10s %10s %10s %10s%n", "", "",
				"", "1st write", "1st write", "followed", "p50 ms", "mean", "max", "mean", "max", "total"));
		Map<String, List<Sample>> groups = new LinkedHashMap<>();
		for (Sample sample : samples) {
			groups.computeIfAbsent(sample.kind() + "|" + sample.profile(), (key) -> new ArrayList<>()).add(sample);
		}
		for (List<Sample> group : groups.values()) {
			long[] first = group.stream().map(Sample::firstWriteMillis).filter(Objects::nonNull).mapToLong(Long::longValue)
				.sorted().toArray();
			long[] unavailable = group.stream().mapToLong(Sample::unavailableMillis).sorted().toArray();
			long never = group.stream().filter((s) -> s.firstWriteMillis() == null).count();
			table.append(String.format(Locale.ROOT, "%-11s %-9s %4d %9s %9s %9d %10s %10.1f %10d %10.1f %10d %10d%n",
					group.get(0).kind(), group.get(0).profile(), group.size(), median(first),
					(first.length > 0) ? Long.toString(first[first.length - 1]) : "-", never, median(unavailable),
					group.stream().mapToLong(Sample::failedWrites).average().orElse(0),
					group.stream().mapToLong(Sample::failedWrites).max().orElse(0),
					group.stream().mapToLong(Sample::failedReads).average().orElse(0),
					group.stream().mapToLong(Sample::failedReads).max().orElse(0),
					group.stream().mapToLong(Sample::metReadOnly).sum()));
		}
		table.append("1st write: from the new primary turning writable to the first write it acknowledged; "
				+ "never followed: no such write within " + FOLLOW_DEADLINE.toSeconds() + " s; "
				+ "unavail.: no writable node (switchover, failover: as the cluster reports; election: kill to first "
				+ "writable member); fail.wr./fail.rd.: failures per change; met r/o: writes that reached a server "
				+ "saying it was read-only (refused by it), over all changes.");
		System.out.println(table);
	}

	/** The nearest-rank median of sorted values, or "-" when there are none. */
	private static String median(long[] sorted) {
		return (sorted.length > 0) ? Long.toString(sorted[(sorted.length + 1) / 2 - 1]) : "-";
	}

}
