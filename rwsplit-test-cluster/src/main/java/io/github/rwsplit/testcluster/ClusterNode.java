package io.github.rwsplit.testcluster;

/**
 * One server of a {@link MySqlReplicationCluster} or a {@link GroupReplicationCluster}, as seen
 * from the JVM that started it, with its role at the moment the record was handed out.
 *
 * <p>The name is the node's identity, not its role: it never changes. After a switchover or
 * failover, the node named {@code replica-1} may be the primary and the one named {@code primary}
 * a replica; ask the cluster again ({@code primary()}, {@code node(name)}) for current roles.
 *
 * @param name the node's stable name: {@code primary}, {@code replica-1}, {@code replica-2}, ... in
 * a replication cluster (named after their roles at start), {@code member-1}, {@code member-2}, ...
 * in a group
 * @param role whether the node was the primary or a replica (a secondary, in a group) when this
 * record was made
 * @param serverId the node's {@code @@server_id}, distinct across the cluster
 * @param host the address to connect to (a loopback address)
 * @param port the port to connect to
 * @param schema the application schema the cluster created
 */
public record ClusterNode(String name, NodeRole role, int serverId, String host, int port, String schema) {

	/**
	 * Connector/J properties every URL of a test cluster carries. TLS is off because the cluster
	 * only listens on loopback; {@code allowPublicKeyRetrieval} lets {@code caching_sha2_password}
	 * accounts log in without TLS, which is safe on loopback and nowhere else.
	 */
	public static final String URL_PROPERTIES = "sslMode=DISABLED&allowPublicKeyRetrieval=true";

	/**
	 * The JDBC URL of the application schema on this node, without credentials.
	 * @return a {@code jdbc:mysql://} URL
	 */
	public String jdbcUrl() {
		return jdbcUrl(this.schema);
	}

	/**
	 * The JDBC URL of a given schema on this node, without credentials.
	 * @param schema the schema, or an empty string for none
	 * @return a {@code jdbc:mysql://} URL
	 */
	public String jdbcUrl(String schema) {
		return "jdbc:mysql://" + this.host + ":" + this.port + "/" + schema + "?" + URL_PROPERTIES;
	}

	/** The same node with another role. */
	ClusterNode withRole(NodeRole newRole) {
		return (newRole == this.role) ? this : new ClusterNode(this.name, newRole, this.serverId, this.host, this.port,
				this.schema);
	}

	/**
	 * Whether this node is the primary.
	 * @return {@code true} for the primary
	 */
	public boolean isPrimary() {
		return this.role == NodeRole.PRIMARY;
	}

}
