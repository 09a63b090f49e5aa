package io.github.rwsplit.autoconfigure.service;

/**
 * The service-connection names that make a container or a Compose service one of rwsplit's nodes.
 */
final class ServiceConnectionNames {

	/** The primary: exactly one per application context. */
	static final String PRIMARY = "rwsplit-primary";

	/** A replica: any number. */
	static final String REPLICA = "rwsplit-replica";

	private ServiceConnectionNames() {
	}

}
