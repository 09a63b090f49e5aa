package io.github.rwsplit.autoconfigure.service;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.util.StringUtils;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.autoconfigure.RwsplitConnectionDetails;

/**
 * Makes {@link RwsplitConnectionDetails} from Docker Compose services labelled
 * {@code org.springframework.boot.service-connection: rwsplit-primary} (exactly one) or
 * {@code rwsplit-replica} (any number). Each service is one node: the primary, or a replica named
 * after its Compose service ({@code replica1:} in {@code compose.yaml} makes the replica
 * {@code replica1}). Spring Boot registers one bean per service, and rwsplit combines them.
 *
 * <p>The login and database come from the service's environment, as for Spring Boot's own
 * MySQL support: {@code MYSQL_USER} with {@code MYSQL_PASSWORD}, otherwise {@code root} with
 * {@code MYSQL_ROOT_PASSWORD}; an empty password only with {@code MYSQL_ALLOW_EMPTY_PASSWORD};
 * {@code MYSQL_DATABASE} is required. The URL is {@code jdbc:mysql://host:port/database} for the
 * host port mapped to 3306, followed by the {@code org.springframework.boot.jdbc.parameters}
 * label's parameters if the service has one. Because the label names rwsplit, Spring Boot's own
 * MySQL factory, which matches the label {@code mysql} (or the image when unlabelled), makes no
 * JDBC connection details from these services. Not responsible for replication between the
 * services: {@code compose.yaml} or the images set it up.
 */
final class RwsplitDockerComposeConnectionDetailsFactory
		extends DockerComposeConnectionDetailsFactory<RwsplitConnectionDetails> {

	private static final String CONNECTION_LABEL = "org.springframework.boot.service-connection";

	private static final String PARAMETERS_LABEL = "org.springframework.boot.jdbc.parameters";

	/** Set by Docker Compose on every container it starts. */
	private static final String COMPOSE_SERVICE_LABEL = "com.docker.compose.service";

	private static final int MYSQL_PORT = 3306;

	RwsplitDockerComposeConnectionDetailsFactory() {
		super(new String[] { ServiceConnectionNames.PRIMARY, ServiceConnectionNames.REPLICA });
	}

	@Override
	protected RwsplitConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new ComposeNode(source.getRunningService());
	}

	/** Whether the service is the primary; the predicate has already accepted it as one of the two. */
	private static boolean isPrimary(RunningService service) {
		String label = service.labels().get(CONNECTION_LABEL);
		String name = (label != null) ? ImageReference.of(label).getName() : service.image().getName();
		return name.equals(ImageReference.of(ServiceConnectionNames.PRIMARY).getName());
	}

	/** The Compose service's name ({@code replica1}), not its container's ({@code app-replica1-1}). */
	private static String serviceName(RunningService service) {
		String name = service.labels().get(COMPOSE_SERVICE_LABEL);
		return StringUtils.hasText(name) ? name : service.name();
	}

	static String jdbcUrl(RunningService service, String database) {
		StringBuilder url = new StringBuilder("jdbc:mysql://").append(service.host())
			.append(':')
			.append(service.ports().get(MYSQL_PORT))
			.append('/')
			.append(database);
		String parameters = service.labels().get(PARAMETERS_LABEL);
		if (StringUtils.hasText(parameters)) {
			url.append('?').append(parameters);
		}
		return url.toString();
	}

	/** One service's node: the primary or one named replica. */
	static final class ComposeNode extends DockerComposeConnectionDetails implements RwsplitConnectionDetails {

		private final @Nullable Node primary;

		private final Map<String, Node> replicas;

		private final String description;

		ComposeNode(RunningService service) {
			super(service);
			String serviceName = serviceName(service);
			Login login = Login.of(serviceName, service.env());
			Node node = Node.of(jdbcUrl(service, login.database()), login.username(), login.password());
			if (isPrimary(service)) {
				this.primary = node;
				this.replicas = Map.of();
				this.description = "primary from Compose service '" + serviceName + "'";
			}
			else {
				this.primary = null;
				this.replicas = Map.of(serviceName, node);
				this.description = "replica '" + serviceName + "' from Compose service '" + serviceName + "'";
			}
		}

		@Override
		public @Nullable Node primary() {
			return this.primary;
		}

		@Override
		public Map<String, Node> replicas() {
			return this.replicas;
		}

		@Override
		public String toString() {
			return "RwsplitConnectionDetails: " + this.description;
		}

	}

	/** The login and database a MySQL image sets up from its environment. */
	record Login(String username, String password, String database) {

		static Login of(String service, Map<String, @Nullable String> env) {
			String database = env.get("MYSQL_DATABASE");
			if (!StringUtils.hasText(database)) {
				throw new RwsplitConfigurationException("MYSQL_DATABASE of Compose service '" + service + "'",
						"the service names no database", "Set MYSQL_DATABASE in the service's environment.");
			}
			String user = env.get("MYSQL_USER");
			boolean ownUser = StringUtils.hasText(user);
			String password = ownUser ? env.get("MYSQL_PASSWORD") : env.get("MYSQL_ROOT_PASSWORD");
			if (!StringUtils.hasLength(password)) {
				if (!ownUser && env.containsKey("MYSQL_RANDOM_ROOT_PASSWORD")) {
					throw new RwsplitConfigurationException("MYSQL_RANDOM_ROOT_PASSWORD of Compose service '" + service + "'",
							"the root password is random and cannot be known",
							"Set MYSQL_USER and MYSQL_PASSWORD in the service's environment.");
				}
				if (!env.containsKey("MYSQL_ALLOW_EMPTY_PASSWORD")) {
					throw new RwsplitConfigurationException(
							(ownUser ? "MYSQL_PASSWORD" : "MYSQL_ROOT_PASSWORD") + " of Compose service '" + service + "'",
							"the service sets no password for " + (ownUser ? "MYSQL_USER" : "root"),
							"Set " + (ownUser ? "MYSQL_PASSWORD" : "MYSQL_ROOT_PASSWORD")
									+ " (or MYSQL_ALLOW_EMPTY_PASSWORD) in the service's environment.");
				}
				password = "";
			}
			return new Login(ownUser ? user : "root", password, database);
		}

		@Override
		public String toString() {
			return "Login[username=" + this.username + ", database=" + this.database + "]";
		}

	}

}
