package io.github.rwsplit.testcluster;

/**
 * Thrown when a cluster, or one of its nodes, cannot be started. The message says what failed
 * and, where it can, what to do about it; it never contains a password.
 */
public class ClusterStartException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ClusterStartException(String message) {
		super(message);
	}

	public ClusterStartException(String message, Throwable cause) {
		super(message, cause);
	}

}
