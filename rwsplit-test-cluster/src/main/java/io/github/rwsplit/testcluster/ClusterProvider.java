package io.github.rwsplit.testcluster;

import java.util.Locale;

/**
 * Where the servers of a cluster run.
 */
public enum ClusterProvider {

	/**
	 * {@code mysqld} processes on this machine: a MySQL 8.0+ given by {@code RWSPLIT_MYSQLD},
	 * found on {@code PATH}, or provisioned by {@code provision-mysql.sh}.
	 */
	LOCAL,

	/** MySQL containers on a Docker network, through Testcontainers. Needs a Docker engine. */
	DOCKER;

	/** System property that selects the provider; wins over {@link #ENVIRONMENT_VARIABLE}. */
	public static final String SYSTEM_PROPERTY = "rwsplit.cluster.provider";

	/** Environment variable that selects the provider. */
	public static final String ENVIRONMENT_VARIABLE = "RWSPLIT_CLUSTER_PROVIDER";

	/**
	 * Parses a provider name as users write it ({@code local}, {@code docker}).
	 * @param value the name
	 * @param source where the value came from, for the error message
	 * @return the provider
	 * @throws IllegalArgumentException naming the setting and the accepted values
	 */
	static ClusterProvider parse(String value, String source) {
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					source + "='" + value + "' is not a cluster provider; use 'local' or 'docker'", ex);
		}
	}

}
