package io.github.rwsplit.routing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.statement.SqlClassifier;

/**
 * A read-only view of one router, for what reports on it: metrics, the Actuator endpoint, health
 * and the start-up report. Everything here reads a volatile snapshot or a counter; nothing
 * changes routing, and nothing runs SQL.
 */
public final class RouterView {

	private final ReadWriteRoutingDataSource router;

	RouterView(ReadWriteRoutingDataSource router) {
		this.router = router;
	}

	/** @return the snapshot reads use now */
	public RoutingTopology topology() {
		return this.router.getTopology();
	}

	/** @return the primary's node name */
	public String primary() {
		return this.router.getTopology().primary();
	}

	/** @return every configured replica, in rotation or not, without lag */
	public List<ReplicaNode> replicas() {
		return this.router.getReplicas();
	}

	/** @return the groups of the configured replicas */
	public Set<String> configuredGroups() {
		Set<String> groups = new TreeSet<>();
		this.router.getReplicas().forEach((replica) -> groups.add(replica.group()));
		return groups;
	}

	/**
	 * @param node a node's name
	 * @return its connection pool, or {@code null} for an unknown node
	 */
	public @Nullable DataSource pool(String node) {
		return this.router.pool(node);
	}

	/** @return what reads do when no replica qualifies */
	public ReplicaFallback fallback() {
		return this.router.settings().fallback();
	}

	/** @return how many other replicas a read tries when a replica refuses a connection */
	public int checkoutRetries() {
		return this.router.settings().checkoutRetries();
	}

	/** @return whether read work that lost its replica connection runs once more elsewhere */
	public boolean retryReads() {
		return this.router.settings().retryReads();
	}

	/** @return how reads see their session's writes */
	public ConsistencySettings consistency() {
		return this.router.settings().consistency();
	}

	/** @return whether each session's reads stay on one replica */
	public boolean stickyReplicas() {
		return this.router.settings().sticky();
	}

	/** @return how long a replica entering rotation takes to reach its full share of new reads */
	public Duration slowStart() {
		return Duration.ofNanos(this.router.settings().slowStartNanos());
	}

	/**
	 * The share of reads a replica gets now relative to its full share.
	 * @param replica a replica's name
	 * @return between 0 and 1; 1 when it is not ramping, 0 when it is out of rotation
	 */
	public double slowStartShare(String replica) {
		long window = this.router.settings().slowStartNanos();
		for (ReplicaNode node : this.router.getTopology().replicas()) {
			if (node.name().equals(replica)) {
				return SlowStartSelector.share(node, window);
			}
		}
		return 0;
	}

	/**
	 * The share of reads a replica gets now relative to its full share, under slow start.
	 * @param replica a replica in rotation
	 * @return between 0 and 1; 1 when it is not ramping
	 */
	public double slowStartShare(ReplicaNode replica) {
		return SlowStartSelector.share(replica, this.router.settings().slowStartNanos());
	}

	/** @return where statements outside transactions go by default */
	public Route autocommitReads() {
		return this.router.settings().autocommitReads();
	}

	/** @return the statement classifier, or {@code null} when statements are not classified */
	public @Nullable SqlClassifier classifier() {
		return this.router.settings().classifier();
	}

	/** @return connections handed out per node and reason, and fallbacks per cause */
	public RouteCounts routeCounts() {
		return this.router.counts();
	}

	/** @return how sticky replicas and slow start shaped reads */
	public BalancingCounts balancingCounts() {
		return this.router.balancing();
	}

	/** @return how reads with something to see were served */
	public ConsistencyTracker consistencyTracker() {
		return this.router.tracker();
	}

	/** @return the number of reads running on the primary now because no replica qualified */
	public int primaryFallbackReads() {
		return this.router.primaryReadGuard().inFlight();
	}

}
