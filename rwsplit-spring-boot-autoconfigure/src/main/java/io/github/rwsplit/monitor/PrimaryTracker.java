package io.github.rwsplit.monitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

/**
 * Decides which node is the primary from what checks observe, with no I/O: the configured
 * primary is the first belief only. The rules, in order:
 * <ol>
 * <li>exactly one node is a primary candidate (writable, replicating from no one; in a group, the
 * ONLINE member in role PRIMARY): it is the primary. If it is not the one believed, the belief
 * moves only once the believed primary was itself seen read-only or judged down, so a stale
 * observation never moves writes;</li>
 * <li>no candidate: the believed primary stays, DOWN when it was judged down, else CHANGING (it
 * answers but is read-only: a switchover or failover is under way);</li>
 * <li>two candidates: SPLIT_BRAIN, but only once confirmed: each was seen writable by a check that
 * began after the other's writable streak began. Until then CHANGING, and the node with the older
 * observation is checked again at once, since most "two writable" sightings are a switchover seen
 * half before and half after.</li>
 * </ol>
 * Not thread-safe: the monitor calls it under its own lock.
 */
final class PrimaryTracker {

	/**
	 * One check's view of one node.
	 * @param role its role, or {@code null} when the monitor judged it down
	 * @param downReason why it is down, when {@code role} is {@code null}
	 * @param startedNanos when the check began ({@link System#nanoTime()})
	 * @param readNanos when the check read the role
	 */
	record Observation(@Nullable NodeRole role, @Nullable String downReason, long startedNanos, long readNanos) {

		static Observation of(NodeRole role, long startedNanos, long readNanos) {
			return new Observation(role, null, startedNanos, readNanos);
		}

		static Observation down(String reason, long startedNanos) {
			return new Observation(null, reason, startedNanos, startedNanos);
		}

		boolean candidate() {
			return this.role != null && this.role.primaryCandidate();
		}

	}

	/**
	 * What the tracker concluded.
	 * @param primary the primary (the last one known while none is writable)
	 * @param status whether writes have a primary to go to
	 * @param reason why not, or {@code null} when UP
	 * @param movedFrom the node the primary moved from with this observation, or {@code null}
	 * @param moveReason why it moved, when it did
	 * @param recheck a node to check again at once, or {@code null}
	 */
	record Decision(String primary, PrimaryStatus status, @Nullable String reason, @Nullable String movedFrom,
			@Nullable String moveReason, @Nullable String recheck) {
	}

	private final Map<String, Observation> latest = new LinkedHashMap<>();

	/** When each node's current writable streak began (the read time of its first candidate sighting). */
	private final Map<String, Long> candidateSince = new LinkedHashMap<>();

	private String primary;

	private Decision last;

	private final java.util.function.Predicate<String> takesWrites;

	/**
	 * @param configuredPrimary the first belief
	 */
	PrimaryTracker(String configuredPrimary) {
		this(configuredPrimary, (node) -> true);
	}

	/**
	 * @param configuredPrimary the first belief
	 * @param takesWrites whether the router can send writes to a node (it has a writer pool there)
	 */
	PrimaryTracker(String configuredPrimary, java.util.function.Predicate<String> takesWrites) {
		this.primary = configuredPrimary;
		this.takesWrites = takesWrites;
		this.last = new Decision(configuredPrimary, PrimaryStatus.UP, null, null, null, null);
	}

	/** @return the primary believed now */
	String primary() {
		return this.primary;
	}

	/** @return the last decision */
	Decision last() {
		return this.last;
	}

	/**
	 * Forgets a node's observations: it is no longer one the monitor checks.
	 * @param node the node
	 */
	void forget(String node) {
		this.latest.remove(node);
		this.candidateSince.remove(node);
	}

	/**
	 * Takes one observation and decides again.
	 * @param node the node observed
	 * @param observation what the check saw
	 * @return the decision
	 */
	Decision observe(String node, Observation observation) {
		Observation previous = this.latest.get(node);
		if (previous != null && observation.startedNanos() - previous.startedNanos() < 0) {
			// An older check finished late: what a newer one saw stands.
			return this.last;
		}
		this.latest.put(node, observation);
		if (observation.candidate()) {
			this.candidateSince.putIfAbsent(node, observation.readNanos());
		}
		else {
			this.candidateSince.remove(node);
		}
		this.last = decide();
		return this.last;
	}

	private String unavailable(Observation believed) {
		return "'" + this.primary + "' is "
				+ ((believed.role() == null) ? "down (" + believed.downReason() + ")" : believed.role().describe());
	}

	private Decision decide() {
		List<String> candidates = new ArrayList<>();
		this.latest.forEach((name, seen) -> {
			if (seen.candidate()) {
				candidates.add(name);
			}
		});
		Observation believed = this.latest.get(this.primary);
		if (candidates.isEmpty()) {
			if (believed == null) {
				return new Decision(this.primary, PrimaryStatus.UP, null, null, null, null);
			}
			if (believed.role() == null) {
				return new Decision(this.primary, PrimaryStatus.DOWN, believed.downReason(), null, null, null);
			}
			return new Decision(this.primary, PrimaryStatus.CHANGING, "'" + this.primary + "' is "
					+ believed.role().describe() + " and no other node is writable", null, null, null);
		}
		if (candidates.size() == 1) {
			String writable = candidates.get(0);
			if (writable.equals(this.primary)) {
				return new Decision(this.primary, PrimaryStatus.UP, null, null, null, null);
			}
			if (believed == null) {
				return new Decision(this.primary, PrimaryStatus.CHANGING, "'" + writable + "' is writable and '"
						+ this.primary + "' has not been checked yet", null, null, this.primary);
			}
			Observation seen = this.latest.get(writable);
			if (seen.startedNanos() - believed.readNanos() < 0) {
				// Writable before the believed primary was last seen as it is: it may have changed since.
				return new Decision(this.primary, PrimaryStatus.CHANGING, unavailable(believed) + "; '" + writable
						+ "' was writable at its last check; checking it again", null, null, writable);
			}
			if (!this.takesWrites.test(writable)) {
				return new Decision(this.primary, PrimaryStatus.CHANGING, unavailable(believed) + "; '" + writable
						+ "' is writable, but this router has no pool for writes on it", null, null, null);
			}
			String from = this.primary;
			String why = "'" + from + "' is "
					+ ((believed.role() == null) ? "down (" + believed.downReason() + ")" : believed.role().describe())
					+ " and '" + writable + "' is " + this.latest.get(writable).role().describe();
			this.primary = writable;
			return new Decision(writable, PrimaryStatus.UP, null, from, why, null);
		}
		// Two or more candidates: the believed primary (when it is one) and the first other.
		String first = candidates.contains(this.primary) ? this.primary : candidates.get(0);
		String second = candidates.get(candidates.get(0).equals(first) ? 1 : 0);
		Observation a = this.latest.get(first);
		Observation b = this.latest.get(second);
		if (first.equals(this.primary) && (!a.role().replicationKnown() || !b.role().replicationKnown())) {
			// Without performance_schema a writable replica looks like a primary: the believed one stays.
			return new Decision(this.primary, PrimaryStatus.UP, null, null, null, null);
		}
		boolean confirmed = a.startedNanos() - this.candidateSince.get(second) > 0
				&& b.startedNanos() - this.candidateSince.get(first) > 0;
		String both = "'" + first + "' and '" + second + "' are both writable";
		if (confirmed) {
			return new Decision(this.primary, PrimaryStatus.SPLIT_BRAIN, both, null, null, null);
		}
		String older = (a.readNanos() - b.readNanos() <= 0) ? first : second;
		return new Decision(this.primary, PrimaryStatus.CHANGING, both + " by checks made at different times;"
				+ " checking '" + older + "' again", null, null, older);
	}

}
