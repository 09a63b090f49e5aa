package io.github.rwsplit.testcluster;

import java.util.Objects;

/**
 * A MySQL account of a test cluster. {@link #toString()} never shows the password, so
 * credentials can be logged or put in assertion messages safely.
 *
 * @param username the account's user name
 * @param password the account's password
 */
public record Credentials(String username, String password) {

	public Credentials {
		Objects.requireNonNull(username, "username");
		Objects.requireNonNull(password, "password");
	}

	@Override
	public String toString() {
		return "Credentials[username=" + this.username + ", password=******]";
	}

}
