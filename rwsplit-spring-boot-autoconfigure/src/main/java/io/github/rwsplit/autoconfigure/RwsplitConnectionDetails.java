package io.github.rwsplit.autoconfigure;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where rwsplit's nodes are and how to log in to them: the primary and the replicas. Backed by
 * {@code rwsplit.primary} and {@code rwsplit.replicas} unless the application context holds
 * beans of this type of its own, as Testcontainers' {@code @ServiceConnection}, Spring Boot's
 * Docker Compose support or rwsplit's test support register them.
 *
 * <p>When such beans exist, their nodes replace every node of {@code rwsplit.primary.url} and
 * {@code rwsplit.replicas}: an application's own replica entries never leak into a test that
 * supplies its own cluster. Several beans combine: exactly one supplies the primary, and any
 * supply replicas, under distinct names. Everything else ({@code rwsplit.pool.*}, the monitor,
 * consistency, the shared {@code rwsplit.username}/{@code password} for nodes that name no
 * login) still comes from properties.
 */
public interface RwsplitConnectionDetails extends ConnectionDetails {

	/**
	 * The primary.
	 * @return the primary, or {@code null} when this source supplies replicas only
	 */
	@Nullable Node primary();

	/**
	 * The replicas, by node name, in the order reads should list them.
	 * @return the replicas; empty when this source supplies none
	 */
	Map<String, Node> replicas();

	/**
	 * One node.
	 * @param url the JDBC URL, such as {@code jdbc:mysql://127.0.0.1:3306/app}
	 * @param username the login user, or {@code null} for {@code rwsplit.username}
	 * @param password the login password, or {@code null} for {@code rwsplit.password}
	 * @param group the replica group, or {@code null} for {@code rwsplit.default-group}; ignored
	 * for the primary
	 */
	record Node(String url, @Nullable String username, @Nullable String password, @Nullable String group) {

		public Node {
			if (url == null || url.isBlank()) {
				throw new IllegalArgumentException("A node of RwsplitConnectionDetails needs a JDBC URL");
			}
		}

		/**
		 * A node that logs in with the shared {@code rwsplit.username}/{@code password}.
		 * @param url the JDBC URL
		 * @return the node
		 */
		public static Node of(String url) {
			return new Node(url, null, null, null);
		}

		/**
		 * A node with its own login.
		 * @param url the JDBC URL
		 * @param username the login user
		 * @param password the login password
		 * @return the node
		 */
		public static Node of(String url, @Nullable String username, @Nullable String password) {
			return new Node(url, username, password, null);
		}

		@Override
		public String toString() {
			// A record's toString would print the password.
			return "Node[url=" + io.github.rwsplit.routing.JdbcUrls.sanitize(this.url) + ", username=" + this.username
					+ ((this.group != null) ? ", group=" + this.group : "") + "]";
		}

	}

}
