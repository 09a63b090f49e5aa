package io.github.rwsplit.monitor;

import java.sql.SQLException;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Why the monitor could not connect to a node because of the node's own settings, as opposed to
 * the server being away: the server refused the login or the schema, or the driver rejected the
 * URL or a property before sending anything. Such a node does not heal by waiting, so it is
 * reported as {@link ReplicaState#MISCONFIGURED} rather than down.
 *
 * @param kind which setting is at fault
 * @param driverProperty the driver property the driver rejected, for {@link Kind#DRIVER_PROPERTY};
 * otherwise {@code null}
 * @param detail the server's or driver's message, with URLs sanitized and the node's password masked
 */
public record Misconfiguration(Kind kind, @Nullable String driverProperty, String detail) {

	/** Which setting is at fault. */
	public enum Kind {

		/** The server refused the credentials (MySQL errors 1045, 1862, 3118). */
		LOGIN("login refused"),

		/** The server refused the URL's schema: no access to it (1044), or no such schema (1049). */
		SCHEMA("schema refused"),

		/** The driver rejected a property's value ("The connection property '...'"). */
		DRIVER_PROPERTY("driver property rejected"),

		/** The driver could not parse the URL (a bad host:port, a port out of range, an unknown scheme). */
		URL("URL cannot be parsed");

		private final String label;

		Kind(String label) {
			this.label = label;
		}

	}

	/**
	 * The misconfiguration a failure to connect shows, if any.
	 * @param failure what connecting threw
	 * @param describe how to turn a failure into a message safe to show
	 * @return the misconfiguration, or {@code null} when the failure is not one
	 */
	static @Nullable Misconfiguration of(Throwable failure, Function<Throwable, String> describe) {
		Throwable evidence = CheckFailures.evidence(failure);
		if (evidence == null) {
			return null;
		}
		String detail = describe.apply(evidence);
		if (evidence instanceof SQLException sql && sql.getErrorCode() != 0) {
			detail += " (SQLState " + sql.getSQLState() + ", error " + sql.getErrorCode() + ")";
		}
		return new Misconfiguration(CheckFailures.kind(evidence), CheckFailures.driverProperty(evidence), detail);
	}

	/** @return what is wrong, for people, such as {@code login refused: Access denied for user ...} */
	public String describe() {
		return this.kind.label + ": " + this.detail;
	}

}
