package io.github.rwsplit.autoconfigure.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.JdbcDatabaseContainer;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.util.ClassUtils;

import io.github.rwsplit.RwsplitConfigurationException;
import io.github.rwsplit.autoconfigure.RwsplitConnectionDetails;

/**
 * Makes {@link RwsplitConnectionDetails} from MySQL containers annotated
 * {@code @ServiceConnection(name = "rwsplit-primary")} (exactly one) and
 * {@code @ServiceConnection(name = "rwsplit-replica", type = RwsplitConnectionDetails.class)}
 * (any number), as {@code @Container} fields of a test class or as {@code @Bean} methods. Each
 * node logs in with its container's user and password and connects to its container's JDBC URL.
 *
 * <p>A replica is named after its field or its bean: {@code static MySQLContainer replica1}
 * and {@code @Bean MySQLContainer replica1()} both make the replica {@code replica1}. The name
 * is stable from run to run and is what metrics, health and the endpoint show.
 *
 * <p>Spring Boot registers one connection-details bean per connection-details type and skips
 * later ones, so three containers would leave one node. The containers of one registration are
 * therefore gathered into one cluster whose first member describes every node; the other members
 * describe none. The outcome is the same whether Spring Boot registers one of them or all.
 *
 * <p>A replica must say {@code type = RwsplitConnectionDetails.class}: Spring Boot's own JDBC,
 * Flyway and Liquibase factories accept a MySQL container whatever its name, and whichever
 * container comes first would become the database Flyway migrates, a replica included. The
 * primary may leave the type out; its JDBC and Flyway details then point at the primary, which
 * is where migrations belong, and Spring Boot's {@code DataSource} still backs off in favour of
 * rwsplit's. Not responsible for starting replication between the containers: the test or its
 * images set that up.
 */
final class RwsplitContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<JdbcDatabaseContainer<?>, RwsplitConnectionDetails> {

	private static final String MYSQL_CONTAINER = "org.testcontainers.mysql.MySQLContainer";

	/** Testcontainers 1.x's class, still shipped (deprecated) by testcontainers-mysql 2.x. */
	private static final String LEGACY_MYSQL_CONTAINER = "org.testcontainers.containers.MySQLContainer";

	private static final List<Class<?>> MYSQL_CONTAINERS = mysqlContainers();

	/** The cluster being gathered; a source seen again means a new registration has begun. */
	private @Nullable Cluster cluster;

	RwsplitContainerConnectionDetailsFactory() {
		super(List.of(ServiceConnectionNames.PRIMARY, ServiceConnectionNames.REPLICA), MYSQL_CONTAINER);
	}

	@Override
	protected boolean sourceAccepts(ContainerConnectionSource<JdbcDatabaseContainer<?>> source,
			Class<?> requiredContainerType, Class<?> requiredConnectionDetailsType) {
		return role(source) != null;
	}

	@Override
	protected synchronized RwsplitConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<JdbcDatabaseContainer<?>> source) {
		String role = role(source);
		boolean primary = ServiceConnectionNames.PRIMARY.equals(role);
		if (!primary && source.accepts(ServiceConnectionNames.REPLICA, JdbcDatabaseContainer.class,
				JdbcConnectionDetails.class)) {
			throw new RwsplitConfigurationException("@ServiceConnection(name = \"rwsplit-replica\")",
					"the replica container " + source.getOrigin() + " does not restrict its connection-details type, "
							+ "so Spring Boot would also make JDBC, Flyway and Liquibase connection details from it "
							+ "(and Flyway could migrate the replica)",
					"Write @ServiceConnection(name = \"rwsplit-replica\", type = RwsplitConnectionDetails.class).");
		}
		Cluster current = this.cluster;
		if (current == null || current.contains(source)) {
			current = new Cluster();
			this.cluster = current;
		}
		return current.add(source, primary ? null : replicaName(source.getOrigin(), current.size()));
	}

	/** {@code rwsplit-primary}, {@code rwsplit-replica}, or {@code null} for any other source. */
	private static @Nullable String role(ContainerConnectionSource<?> source) {
		for (Class<?> containerType : MYSQL_CONTAINERS) {
			if (source.accepts(ServiceConnectionNames.PRIMARY, containerType, RwsplitConnectionDetails.class)) {
				return ServiceConnectionNames.PRIMARY;
			}
			if (source.accepts(ServiceConnectionNames.REPLICA, containerType, RwsplitConnectionDetails.class)) {
				return ServiceConnectionNames.REPLICA;
			}
		}
		return null;
	}

	/**
	 * The replica's name: the field's name for a {@code @Container} field, the bean's name for a
	 * {@code @Bean} method. Read from the origin's description, the only public trace of either;
	 * {@code RwsplitContainerConnectionDetailsFactoryTests} pins both formats.
	 */
	static String replicaName(@Nullable Origin origin, int position) {
		String description = (origin != null) ? origin.toString() : "";
		if (description.startsWith("Bean '")) {
			int end = description.indexOf('\'', 6);
			if (end > 6) {
				return description.substring(6, end);
			}
		}
		else if (description.matches("[\\w$.]+\\.[\\w$]+")) {
			return description.substring(description.lastIndexOf('.') + 1);
		}
		return "replica-" + position;
	}

	private static List<Class<?>> mysqlContainers() {
		ClassLoader classLoader = RwsplitContainerConnectionDetailsFactory.class.getClassLoader();
		List<Class<?>> types = new ArrayList<>();
		for (String name : List.of(MYSQL_CONTAINER, LEGACY_MYSQL_CONTAINER)) {
			if (ClassUtils.isPresent(name, classLoader)) {
				types.add(ClassUtils.resolveClassName(name, classLoader));
			}
		}
		return List.copyOf(types);
	}

	/** The containers of one registration, in the order Spring Boot offered them. */
	private static final class Cluster {

		private final List<ContainerNode> members = new ArrayList<>();

		boolean contains(ContainerConnectionSource<?> source) {
			return this.members.stream().anyMatch((member) -> member.source == source);
		}

		int size() {
			return this.members.size();
		}

		ContainerNode add(ContainerConnectionSource<JdbcDatabaseContainer<?>> source, @Nullable String replicaName) {
			for (ContainerNode member : this.members) {
				if (replicaName == null && member.replicaName == null) {
					throw new RwsplitConfigurationException("@ServiceConnection(name = \"rwsplit-primary\")",
							"two containers are the primary: " + member.source.getOrigin() + " and " + source.getOrigin(),
							"Annotate exactly one container @ServiceConnection(name = \"rwsplit-primary\").");
				}
				if (replicaName != null && replicaName.equals(member.replicaName)) {
					throw new RwsplitConfigurationException("@ServiceConnection(name = \"rwsplit-replica\")",
							"two replica containers are both named '" + replicaName + "': " + member.source.getOrigin()
									+ " and " + source.getOrigin(),
							"Give the replica fields or beans distinct names.");
				}
			}
			ContainerNode node = new ContainerNode(source, this, replicaName);
			this.members.add(node);
			return node;
		}

		boolean speaksFor(ContainerNode member) {
			return this.members.get(0) == member;
		}

	}

	/**
	 * One container's connection details. The cluster's first member answers for all of them and,
	 * once Spring Boot has initialised it, initialises the others, whose beans Spring Boot may
	 * never have registered.
	 */
	static final class ContainerNode extends ContainerConnectionDetails<JdbcDatabaseContainer<?>>
			implements RwsplitConnectionDetails {

		private final ContainerConnectionSource<JdbcDatabaseContainer<?>> source;

		private final Cluster cluster;

		/** {@code null} for the primary. */
		private final @Nullable String replicaName;

		private ContainerNode(ContainerConnectionSource<JdbcDatabaseContainer<?>> source, Cluster cluster,
				@Nullable String replicaName) {
			super(source);
			this.source = source;
			this.cluster = cluster;
			this.replicaName = replicaName;
		}

		@Override
		public void afterPropertiesSet() throws Exception {
			super.afterPropertiesSet();
			if (this.cluster.speaksFor(this)) {
				for (ContainerNode member : this.cluster.members) {
					if (member != this) {
						member.afterPropertiesSet();
					}
				}
			}
		}

		@Override
		public @Nullable Node primary() {
			if (this.cluster.speaksFor(this)) {
				for (ContainerNode member : this.cluster.members) {
					if (member.replicaName == null) {
						return member.node();
					}
				}
			}
			return null;
		}

		@Override
		public Map<String, Node> replicas() {
			if (!this.cluster.speaksFor(this)) {
				return Collections.emptyMap();
			}
			Map<String, Node> replicas = new LinkedHashMap<>();
			for (ContainerNode member : this.cluster.members) {
				if (member.replicaName != null) {
					replicas.put(member.replicaName, member.node());
				}
			}
			return Collections.unmodifiableMap(replicas);
		}

		private Node node() {
			JdbcDatabaseContainer<?> container = getContainer();
			return Node.of(container.getJdbcUrl(), container.getUsername(), container.getPassword());
		}

		@Override
		public String toString() {
			return "RwsplitConnectionDetails for " + getOrigin()
					+ ((this.replicaName != null) ? " (replica '" + this.replicaName + "')" : " (primary)");
		}

	}

}
