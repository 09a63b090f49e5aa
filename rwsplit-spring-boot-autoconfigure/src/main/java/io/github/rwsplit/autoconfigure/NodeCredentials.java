package io.github.rwsplit.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.routing.JdbcUrls;

/**
 * The login of one node, under rwsplit's one precedence: credentials in the node's URL
 * ({@code user:pass@host}, or {@code user}/{@code password} parameters), then the node's own
 * {@code username}/{@code password}, then the shared {@code rwsplit.username}/{@code password}.
 * User and password are resolved independently.
 *
 * <p>The URL comes first because Connector/J already honours {@code user:pass@host} over
 * properties, and because a URL is written for one node: a read-only account in a replica's URL
 * must not silently become the shared read-write one. What the URL supplies is left off the pool,
 * so the driver reads it from the URL in either form. Not responsible for connecting or for the
 * monitor's own {@code rwsplit.monitor.username}.
 *
 * @param user the effective user, or {@code null} for the driver's default
 * @param poolUser the user to give the pool, {@code null} when the URL supplies it
 * @param poolPassword the password to give the pool, {@code null} when the URL supplies it
 * @param disagreements warnings about sources that disagree, with no password in them
 */
record NodeCredentials(@Nullable String user, @Nullable String poolUser, @Nullable String poolPassword,
		List<String> disagreements) {

	static NodeCredentials of(RwsplitProperties properties, String name, RwsplitProperties.Node node) {
		boolean primary = node == properties.getPrimary();
		String prefix = primary ? "rwsplit.primary" : "rwsplit.replicas." + name;
		String label = primary ? "the primary" : "replica '" + name + "'";
		String url = node.getUrl();
		List<String> disagreements = new ArrayList<>();
		String urlUser = JdbcUrls.user(url);
		String user;
		String poolUser;
		if (urlUser != null) {
			user = urlUser;
			poolUser = null;
			String ignored = (node.getUsername() != null) ? prefix + ".username" : "rwsplit.username";
			String other = (node.getUsername() != null) ? node.getUsername() : properties.getUsername();
			if (other != null && !other.equals(urlUser)) {
				disagreements.add(label + " logs in as '" + urlUser + "' from its URL; " + ignored + " ('" + other
						+ "') is not used for it (credentials in a URL win over " + prefix + ".username, which wins "
						+ "over rwsplit.username)");
			}
		}
		else {
			user = (node.getUsername() != null) ? node.getUsername() : properties.getUsername();
			poolUser = user;
		}
		String poolPassword;
		if (url != null && JdbcUrls.hasPassword(url)) {
			poolPassword = null;
			String ignored = (node.getPassword() != null) ? prefix + ".password" : "rwsplit.password";
			String other = (node.getPassword() != null) ? node.getPassword() : properties.getPassword();
			if (other != null && !JdbcUrls.passwordEquals(url, other)) {
				disagreements.add(label + ": the password in its URL differs from " + ignored + "; the URL's is used");
			}
		}
		else {
			poolPassword = (node.getPassword() != null) ? node.getPassword() : properties.getPassword();
		}
		return new NodeCredentials(user, poolUser, poolPassword, List.copyOf(disagreements));
	}

	@Override
	public String toString() {
		// A record's toString would print the password.
		return "NodeCredentials[user=" + this.user + "]";
	}

}
