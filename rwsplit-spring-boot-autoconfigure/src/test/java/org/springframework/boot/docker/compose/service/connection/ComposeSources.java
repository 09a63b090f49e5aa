package org.springframework.boot.docker.compose.service.connection;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.mock.env.MockEnvironment;

/**
 * Test access to Spring Boot's package-private {@link DockerComposeConnectionSource} constructor,
 * so that rwsplit's factory can be tested without a Docker engine.
 */
public final class ComposeSources {

	private ComposeSources() {
	}

	/**
	 * The source Spring Boot makes for a running Compose service.
	 * @param service the service
	 * @return the source
	 */
	public static DockerComposeConnectionSource of(RunningService service) {
		return new DockerComposeConnectionSource(service, new MockEnvironment());
	}

}
