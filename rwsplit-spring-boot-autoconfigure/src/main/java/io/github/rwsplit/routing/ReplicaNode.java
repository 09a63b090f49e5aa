package io.github.rwsplit.routing;

import java.util.Objects;
import java.util.function.IntSupplier;

import javax.sql.DataSource;

/**
 * One replica as the router and the replica selectors see it: its name, group, weight, pool and
 * a cheap way to read how many of the pool's connections are in use. Immutable.
 */
public final class ReplicaNode {

	private final String name;

	private final String group;

	private final int weight;

	private final DataSource dataSource;

	private final IntSupplier activeConnections;

	/**
	 * Creates a replica node.
	 * @param name the node's name, unique in the topology
	 * @param group the replica group it belongs to
	 * @param weight its relative share of reads under weighted balancing, zero or more
	 * @param dataSource its connection pool
	 * @param activeConnections reads the pool's connections in use; must not block
	 */
	public ReplicaNode(String name, String group, int weight, DataSource dataSource, IntSupplier activeConnections) {
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

	@Override
	public String toString() {
		return "ReplicaNode[" + this.name + ", group=" + this.group + ", weight=" + this.weight + "]";
	}

}
