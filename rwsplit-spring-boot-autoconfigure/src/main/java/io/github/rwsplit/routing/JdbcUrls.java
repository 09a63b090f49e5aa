package io.github.rwsplit.routing;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * JDBC URL helpers: a form safe to print, and a form to compare two URLs for the same server.
 */
public final class JdbcUrls {

	private static final Pattern USER_INFO = Pattern.compile("(://)[^/?]*@");

	/** Any key naming a password or secret, in parameters and in Connector/J's key=value host forms. */
	private static final Pattern SECRET = Pattern
		.compile("(?i)([a-z0-9_.-]*(?:password|passwd|pwd|secret)[a-z0-9_.-]*\\s*=)[^&;,()/]*");

	private JdbcUrls() {
	}

	/**
	 * The URL with credentials removed: user info before the host, and the value of every key
	 * whose name mentions a password or secret, whether it is a parameter or part of a
	 * {@code (host=...,password=...)} address.
	 * @param url a JDBC URL, may be {@code null}
	 * @return a URL safe to log or show
	 */
	public static String sanitize(String url) {
		if (url == null) {
			return null;
		}
		String withoutUserInfo = USER_INFO.matcher(url).replaceAll("$1");
		return SECRET.matcher(withoutUserInfo).replaceAll("$1******");
	}

	/**
	 * What identifies the server and schema of a MySQL URL: lower-cased host, port (3306 when
	 * absent) and path, without parameters or credentials.
	 * @param url a JDBC URL
	 * @return a comparable form
	 */
	static String identity(String url) {
		String text = USER_INFO.matcher(url.trim()).replaceAll("$1");
		int query = text.indexOf('?');
		if (query >= 0) {
			text = text.substring(0, query);
		}
		int scheme = text.indexOf("://");
		if (scheme < 0) {
			return text.toLowerCase(Locale.ROOT);
		}
		String rest = text.substring(scheme + 3);
		int slash = rest.indexOf('/');
		String authority = (slash >= 0) ? rest.substring(0, slash) : rest;
		String path = (slash >= 0) ? rest.substring(slash) : "/";
		if (path.endsWith("/") && path.length() > 1) {
			path = path.substring(0, path.length() - 1);
		}
		if (!authority.contains(":") && !authority.contains(",")) {
			authority = authority + ":3306";
		}
		return (text.substring(0, scheme) + "://" + authority).toLowerCase(Locale.ROOT) + path;
	}

	/**
	 * Whether two JDBC URLs point at the same server and schema.
	 * @param first a JDBC URL
	 * @param second another JDBC URL
	 * @return {@code true} when they name the same host, port and schema
	 */
	public static boolean sameServer(String first, String second) {
		return identity(first).equals(identity(second));
	}

}
