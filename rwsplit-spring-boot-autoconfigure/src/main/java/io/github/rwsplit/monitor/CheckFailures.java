package io.github.rwsplit.monitor;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Tells a failure to connect that comes from the node's own settings from one that comes from the
 * server being away. Only failures to connect are classified: a statement that fails on a
 * connection the monitor already holds is never a misconfiguration.
 *
 * <p>What Connector/J (9.x) does, which this relies on: a wrong password is the server's error
 * 1045; a property value it cannot accept fails with SQLState {@code S1009} (older versions
 * {@code 01S00}) and "The connection property 'name' ..." before anything is sent; a URL it cannot
 * parse fails with its {@code WrongArgumentException}, or an {@link IllegalArgumentException} for a
 * port out of range, in the chain of causes; a property name it does not know is ignored, so it
 * cannot be reported here.
 */
final class CheckFailures {

	private static final int ER_DBACCESS_DENIED_ERROR = 1044;

	private static final int ER_ACCESS_DENIED_ERROR = 1045;

	private static final int ER_BAD_DB_ERROR = 1049;

	private static final int ER_MUST_CHANGE_PASSWORD_LOGIN = 1862;

	private static final int ER_ACCOUNT_HAS_BEEN_LOCKED = 3118;

	private static final Pattern DRIVER_PROPERTY = Pattern.compile("The connection property '([^']+)'");

	private static final String WRONG_ARGUMENT = "com.mysql.cj.exceptions.WrongArgumentException";

	private CheckFailures() {
	}

	/**
	 * @param failure what connecting threw
	 * @return which setting is at fault, or {@code null} when the failure is not a misconfiguration
	 */
	static Misconfiguration.@Nullable Kind kind(Throwable failure) {
		Throwable evidence = evidence(failure);
		return (evidence != null) ? kindOf(evidence) : null;
	}

	/**
	 * @param failure what connecting threw
	 * @return the driver property named in the driver's message, or {@code null}
	 */
	static @Nullable String driverProperty(Throwable failure) {
		Throwable evidence = evidence(failure);
		if (evidence == null || kindOf(evidence) != Misconfiguration.Kind.DRIVER_PROPERTY) {
			return null;
		}
		Matcher matcher = DRIVER_PROPERTY.matcher(String.valueOf(evidence.getMessage()));
		return matcher.find() ? matcher.group(1) : null;
	}

	/** @return the first throwable in the chain of causes that shows a misconfiguration, or {@code null} */
	static @Nullable Throwable evidence(Throwable failure) {
		int depth = 0;
		for (Throwable current = failure; current != null && depth < 16; current = current.getCause(), depth++) {
			if (kindOf(current) != null) {
				return current;
			}
		}
		return null;
	}

	private static Misconfiguration.Kind kindOf(Throwable failure) {
		String message = String.valueOf(failure.getMessage());
		if (failure instanceof SQLException sql) {
			switch (sql.getErrorCode()) {
				case ER_ACCESS_DENIED_ERROR, ER_MUST_CHANGE_PASSWORD_LOGIN, ER_ACCOUNT_HAS_BEEN_LOCKED:
					return Misconfiguration.Kind.LOGIN;
				case ER_DBACCESS_DENIED_ERROR, ER_BAD_DB_ERROR:
					return Misconfiguration.Kind.SCHEMA;
				default:
					break;
			}
			if (message.startsWith("No suitable driver")) {
				// DriverManager's answer to a URL no driver accepts, such as jdbc:mysq://.
				return Misconfiguration.Kind.URL;
			}
		}
		if (DRIVER_PROPERTY.matcher(message).find()) {
			return Misconfiguration.Kind.DRIVER_PROPERTY;
		}
		if (failure instanceof IllegalArgumentException || WRONG_ARGUMENT.equals(failure.getClass().getName())) {
			return Misconfiguration.Kind.URL;
		}
		return null;
	}

}
