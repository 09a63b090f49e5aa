package io.github.rwsplit.testcluster;

/**
 * One server of a {@link MySqlReplicationCluster}, as seen from the JVM that started it.
 *
 * @param name the node's name: {@code primary}, {@code replica-1}, {@code replica-2}, ...
 * @param role whether the node is the primary or a replica
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

	/**
	 * Whether this node is the primary.
	 * @return {@code true} for the primary
	 */
	public boolean isPrimary() {
		return this.role == NodeRole.PRIMARY;
	}

}
