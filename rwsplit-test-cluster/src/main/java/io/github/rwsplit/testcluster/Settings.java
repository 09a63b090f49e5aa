package io.github.rwsplit.testcluster;

/**
 * Reads a setting from a system property first and an environment variable second, and names
 * whichever it used so that error messages can point at it.
 */
final class Settings {

	private Settings() {
	}

	/**
	 * A setting's value and where it came from.
	 * @param value the value, never blank
	 * @param source {@code -Dname} or the environment variable's name
	 */
	record Setting(String value, String source) {
	}

	static Setting get(String systemProperty, String environmentVariable) {
		String value = System.getProperty(systemProperty);
		if (value != null && !value.isBlank()) {
			return new Setting(value.trim(), "-D" + systemProperty);
		}
		value = System.getenv(environmentVariable);
		if (value != null && !value.isBlank()) {
			return new Setting(value.trim(), environmentVariable);
		}
		return null;
	}

}
