package io.github.rwsplit.routing;

import java.util.List;
import java.util.Locale;

/**
 * The explanations rwsplit gives when it refuses work: which group, which budget, which policy, and
 * why each replica could not serve. Built only when something is refused, never on the normal path.
 */
final class RoutingMessages {

	private RoutingMessages() {
	}

	/**
	 * @param intent what the read needed
	 * @param topology the snapshot it was planned over
	 * @param settings the router's settings
	 * @param replicas every configured replica
	 * @param tokenCaused whether the session's consistency token sent the read to the primary
	 * @return why no replica can serve the read
	 */
	static String noReplica(RouteIntent intent, RoutingTopology topology, RoutingSettings settings,
			List<ReplicaNode> replicas, boolean tokenCaused) {
		String group = (intent.group() != null) ? intent.group() : topology.defaultGroup();
		ReplicaFallback fallback = settings.fallback();
		StringBuilder message = new StringBuilder("rwsplit: no replica of group '").append(group)
			.append("' can serve this read");
		if (intent.maxLagNanos() >= 0) {
			message.append(" within its lag budget of ").append(intent.maxLagNanos() / 1_000_000).append(" ms");
		}
		if (tokenCaused) {
			message.append(", because the session's consistency token requires transactions no replica has applied yet"
					+ " (read-your-writes)");
		}
		message.append(" (fallback policy ").append(fallback.policy().name().toLowerCase(Locale.ROOT));
		if (fallback.policy() == ReplicaFallback.Policy.WAIT) {
			message.append(", waited ").append(fallback.waitTimeout().toMillis()).append(" ms");
		}
		if (topology.primaryDownReason() != null && (tokenCaused || fallback.policy() == ReplicaFallback.Policy.PRIMARY)) {
			message.append(", and the primary is down: ").append(topology.primaryDownReason());
		}
		message.append(").");
		boolean any = false;
		for (ReplicaNode replica : replicas) {
			if (replica.group().equals(group)) {
				message.append(any ? ";" : "").append(' ').append(replica.name()).append(": ")
					.append(describe(topology, replica));
				any = true;
			}
		}
		if (!any) {
			message.append(" The group has no replicas.");
		}
		return message.toString();
	}

	private static String describe(RoutingTopology topology, ReplicaNode replica) {
		for (RoutingTopology.Exclusion exclusion : topology.exclusions()) {
			if (exclusion.name().equals(replica.name())) {
				return exclusion.state() + " (" + exclusion.reason() + ")";
			}
		}
		for (ReplicaNode inRotation : topology.replicas()) {
			if (inRotation.name().equals(replica.name())) {
				return (inRotation.lagNanos() < 0) ? "in rotation, lag unknown"
						: "in rotation, lag " + inRotation.lagNanos() / 1_000_000 + " ms";
			}
		}
		return "out of rotation";
	}

	/**
	 * @param topology the snapshot that says no writable primary is known
	 * @param waitedMillis how long the work waited for one, 0 when it did not
	 * @return why work that needs the primary fails, with the state and what happens next
	 */
	static String primaryDown(RoutingTopology topology, long waitedMillis) {
		String waited = (waitedMillis > 0) ? " (waited " + waitedMillis + " ms, rwsplit.topology.await-primary-timeout)"
				: "";
		return switch (topology.primaryStatus()) {
			case SPLIT_BRAIN -> "rwsplit: split brain: " + topology.primaryDownReason()
					+ "; writes go to neither until one of them is read-only again. Nothing was sent.";
			case CHANGING -> "rwsplit: no writable primary" + waited + ": " + topology.primaryDownReason()
					+ "; a switchover or failover may be under way. Writes resume as soon as the monitor sees a"
					+ " writable node. Nothing was sent.";
			default -> "rwsplit: no writable primary" + waited + ": the primary '" + topology.primary() + "' is down ("
					+ topology.primaryDownReason() + "); work that needs the primary fails until it answers again or"
					+ " another node is promoted. Nothing was sent.";
		};
	}

	/**
	 * @param noReplica why no replica served the read
	 * @param cap the fallback cap
	 * @param tokenCap the part of it reads sent by consistency tokens may use
	 * @param tokenCaused whether this read was sent by its token
	 * @return why a fallback read was refused
	 */
	static String guardTripped(String noReplica, int cap, int tokenCap, boolean tokenCaused) {
		if (tokenCaused) {
			return noReplica + " Reads sent to the primary by their consistency token already use " + tokenCap + " of the "
					+ cap + " fallback slots they may take (rwsplit.fallback.max-primary-reads; the rest is kept for"
					+ " replica outages); failing fast to protect the primary.";
		}
		return noReplica + " The primary already serves " + cap
				+ " fallback reads (rwsplit.fallback.max-primary-reads); failing fast to protect it.";
	}

}
