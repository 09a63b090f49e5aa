package io.github.rwsplit.routing;

import java.util.Objects;
import java.util.function.IntSupplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.gtid.GtidSet;

/**
 * One replica as the router and the replica selectors see it: its name, group, weight, pool, a
 * cheap way to read how many of the pool's connections are in use, and its lag as of the
 * snapshot it belongs to. Immutable: the lag monitor publishes copies with fresh lag.
 */
public final class ReplicaNode {

	private final String name;

	private final String group;

	private final int weight;

	private final DataSource dataSource;

	private final IntSupplier activeConnections;

	private final long lagNanos;

	private final @Nullable GtidSet gtidExecuted;

	private final long measuredAtMillis;

	private final ResponseTime responseTime;

	private final long slowStartSinceNanos;

	private final KnownExecuted known;

	/**
	 * Creates a replica node.
	 * @param name the node's name, unique in the topology
	 * @param group the replica group it belongs to
	 * @param weight its relative share of reads under weighted balancing, zero or more
	 * @param dataSource its connection pool
	 * @param activeConnections reads the pool's connections in use; must not block
	 */
	public ReplicaNode(String name, String group, int weight, DataSource dataSource, IntSupplier activeConnections) {
		this(name, group, weight, dataSource, activeConnections, ResponseTime.create(java.time.Duration.ofSeconds(10)));
	}

	/**
	 * Creates a replica node whose response time is measured elsewhere.
	 * @param name the node's name, unique in the topology
	 * @param group the replica group it belongs to
	 * @param weight its relative share of reads under weighted balancing, zero or more
	 * @param dataSource its connection pool
	 * @param activeConnections reads the pool's connections in use; must not block
	 * @param responseTime its statements' response time, fed by {@link io.github.rwsplit.mysql.ResponseTimeInterceptor}
	 */
	public ReplicaNode(String name, String group, int weight, DataSource dataSource, IntSupplier activeConnections,
			ResponseTime responseTime) {
		this(name, group, weight, dataSource, activeConnections, -1, null, 0, responseTime, 0, new KnownExecuted());
	}

	private ReplicaNode(String name, String group, int weight, DataSource dataSource, IntSupplier activeConnections,
			long lagNanos, @Nullable GtidSet gtidExecuted, long measuredAtMillis, ResponseTime responseTime,
			long slowStartSinceNanos, KnownExecuted known) {
		this.known = known;
		this.responseTime = Objects.requireNonNull(responseTime, "responseTime");
		this.slowStartSinceNanos = slowStartSinceNanos;
		this.lagNanos = lagNanos;
		this.gtidExecuted = gtidExecuted;
		this.measuredAtMillis = measuredAtMillis;
		this.name = Objects.requireNonNull(name, "name");
		this.group = Objects.requireNonNull(group, "group");
		if (weight < 0) {
			throw new IllegalArgumentException("weight of replica '" + name + "' must be zero or more, was " + weight);
		}
		this.weight = weight;
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		this.activeConnections = Objects.requireNonNull(activeConnections, "activeConnections");
	}

	public String name() {
		return this.name;
	}

	public String group() {
		return this.group;
	}

	public int weight() {
		return this.weight;
	}

	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * @return the number of this replica's pooled connections currently in use
	 */
	public int activeConnections() {
		return this.activeConnections.getAsInt();
	}

	/**
	 * @return the replica's lag when the snapshot was taken, in nanoseconds, or -1 when unknown
	 * (no monitor, or not measured yet)
	 */
	public long lagNanos() {
		return this.lagNanos;
	}

	/**
	 * A copy of this node with a measured lag.
	 * @param lagNanos the lag in nanoseconds, or -1 for unknown
	 * @return the copy
	 */
	public ReplicaNode withLag(long lagNanos) {
		return withHealth(lagNanos, this.gtidExecuted, this.measuredAtMillis);
	}

	/**
	 * A copy of this node with what the monitor last measured.
	 * @param lagNanos the lag in nanoseconds, or -1 for unknown
	 * @param gtidExecuted its executed GTID set, or {@code null} when unknown
	 * @param measuredAtMillis when that was measured (epoch milliseconds, taken before the replica
	 * was read), or 0
	 * @return the copy
	 */
	public ReplicaNode withHealth(long lagNanos, @Nullable GtidSet gtidExecuted, long measuredAtMillis) {
		return new ReplicaNode(this.name, this.group, this.weight, this.dataSource, this.activeConnections, lagNanos,
				gtidExecuted, measuredAtMillis, this.responseTime, this.slowStartSinceNanos, this.known);
	}

	/**
	 * A copy of this node that is ramping up its share of reads (slow start), or no longer is.
	 * @param sinceNanos {@link System#nanoTime()} when it entered rotation, or 0 when it is not
	 * ramping
	 * @return the copy
	 */
	public ReplicaNode withSlowStart(long sinceNanos) {
		return new ReplicaNode(this.name, this.group, this.weight, this.dataSource, this.activeConnections,
				this.lagNanos, this.gtidExecuted, this.measuredAtMillis, this.responseTime, sinceNanos, this.known);
	}

	/**
	 * @return {@link System#nanoTime()} when this replica entered rotation if it is ramping up its
	 * share of reads (slow start), else 0
	 */
	public long slowStartSinceNanos() {
		return this.slowStartSinceNanos;
	}

	/** @return how long its statements take, as its connections measure it */
	public ResponseTime responseTime() {
		return this.responseTime;
	}

	/**
	 * @return when the lag was measured (epoch milliseconds, taken before the replica was read),
	 * or 0 when never: the replica had everything committed up to this time minus its lag
	 */
	public long measuredAtMillis() {
		return this.measuredAtMillis;
	}

	/**
	 * @return the replica's executed GTID set when the snapshot was taken, or {@code null} when
	 * unknown (the monitor reads it with the {@code gtid} lag source)
	 */
	public @Nullable GtidSet gtidExecuted() {
		return this.gtidExecuted;
	}

	/**
	 * Whether the replica is known to have executed a set: by the monitor's last measurement, or
	 * by what a read's wait on it learned since. Cheap: no statement, no lock.
	 * @param gtids a set
	 * @return whether it has all of it, as far as rwsplit knows
	 */
	public boolean hasExecuted(GtidSet gtids) {
		GtidSet executed = this.gtidExecuted;
		return (executed != null && executed.contains(gtids)) || this.known.contains(gtids);
	}

	/**
	 * @return what to hand to {@link #learnExecuted} after a wait on this replica: taken before the
	 * wait's statement is sent, so that a wait that began before knowledge was withdrawn cannot publish
	 */
	long knowledgeEpoch() {
		return this.known.epoch();
	}

	/**
	 * Publishes, for every read, that the replica has executed a set: what a wait on it returned.
	 * @param executed a set the replica reported or proved executed
	 * @param epoch what {@link #knowledgeEpoch()} returned before the wait
	 */
	void learnExecuted(GtidSet executed, long epoch) {
		this.known.learn(executed, epoch);
	}

	/**
	 * Tells this replica's learned knowledge what the lag monitor measured, as it publishes a
	 * snapshot: out of rotation, unknown or shrunk, it is withdrawn. The monitor calls it for
	 * every replica at every publication; without a monitor nothing is learned.
	 * @param measured the executed set measured, or {@code null} when unknown
	 * @param inRotation whether the replica serves reads
	 */
	public void observeMeasured(@Nullable GtidSet measured, boolean inRotation) {
		this.known.observe(measured, inRotation);
	}

	/** @return what reads learned beyond the monitor's last measurement */
	GtidSet learnedExecuted() {
		return this.known.learned();
	}

	@Override
	public String toString() {
		return "ReplicaNode[" + this.name + ", group=" + this.group + ", weight=" + this.weight + "]";
	}

}
