package io.github.rwsplit.routing;

import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * JDBC URL helpers: a form safe to print, and a form to compare two URLs for the same server.
 */
public final class JdbcUrls {

	private static final Pattern USER_INFO = Pattern.compile("(://)[^/?]*@");

	/** Any key naming a password or secret, in parameters and in Connector/J's key=value host forms. */
	private static final Pattern SECRET = Pattern
		.compile("(?i)([a-z0-9_.-]*(?:password|passwd|pwd|secret)[a-z0-9_.-]*\\s*=)[^&;,()/]*");

	/** user info before the host: {@code user} or {@code user:password}. */
	private static final Pattern USER_INFO_PARTS = Pattern.compile("://([^/?@:]*)(:[^/?]*)?@");

	/** Connector/J's user property in the query or a {@code (host=...,user=...)} address. */
	private static final Pattern USER_PROPERTY = Pattern.compile("(?i)[?&(,]user=([^&;,()/]*)");

	private static final Pattern PASSWORD_PROPERTY = Pattern.compile("(?i)[?&(,]password=");

	private JdbcUrls() {
	}

	/**
	 * The login user a MySQL JDBC URL carries, before the host ({@code user:pass@host}) or as a
	 * {@code user} property.
	 * @param url a JDBC URL, may be {@code null}
	 * @return the user, decoded, or {@code null} when the URL names none
	 */
	public static @Nullable String user(@Nullable String url) {
		if (url == null) {
			return null;
		}
		java.util.regex.Matcher info = USER_INFO_PARTS.matcher(url);
		if (info.find() && !info.group(1).isEmpty()) {
			return decode(info.group(1));
		}
		java.util.regex.Matcher property = USER_PROPERTY.matcher(url);
		return (property.find() && !property.group(1).isEmpty()) ? decode(property.group(1)) : null;
	}

	/**
	 * Whether a MySQL JDBC URL carries a password, before the host or as a {@code password}
	 * property.
	 * @param url a JDBC URL, may be {@code null}
	 * @return {@code true} when it does
	 */
	public static boolean hasPassword(@Nullable String url) {
		if (url == null) {
			return false;
		}
		java.util.regex.Matcher info = USER_INFO_PARTS.matcher(url);
		return (info.find() && info.group(2) != null) || PASSWORD_PROPERTY.matcher(url).find();
	}

	/**
	 * Whether the password a MySQL JDBC URL carries equals another, without handing it out.
	 * @param url a JDBC URL that {@linkplain #hasPassword(String) has a password}
	 * @param password a configured password, may be {@code null}
	 * @return {@code true} when they are equal
	 */
	public static boolean passwordEquals(String url, @Nullable String password) {
		return java.util.Objects.equals(password(url), password);
	}

	private static String password(String url) {
		java.util.regex.Matcher info = USER_INFO_PARTS.matcher(url);
		if (info.find() && info.group(2) != null) {
			return decode(info.group(2).substring(1));
		}
		java.util.regex.Matcher property = Pattern.compile("(?i)[?&(,]password=([^&;,()/]*)").matcher(url);
		return property.find() ? decode(property.group(1)) : null;
	}

	private static String decode(String text) {
		try {
			return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return text;
		}
	}

	/**
	 * The URL with credentials removed: user info before the host, and the value of every key
	 * whose name mentions a password or secret, whether it is a parameter or part of a
	 * {@code (host=...,password=...)} address.
	 * @param url a JDBC URL, may be {@code null}
	 * @return a URL safe to log or show
	 */
	public static @Nullable String sanitize(@Nullable String url) {
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
