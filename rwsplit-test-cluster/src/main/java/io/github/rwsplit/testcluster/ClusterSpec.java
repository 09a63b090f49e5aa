package io.github.rwsplit.testcluster;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What cluster to start: how many replicas, the schema, the provider and time limits. Immutable;
 * build one with {@link #builder()} or take {@link #defaults()} (one primary, two replicas).
 */
public final class ClusterSpec {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

	private final int replicas;

	private final String schema;

	private final @Nullable ClusterProvider provider;

	private final Duration startTimeout;

	private final String dockerImage;

	private ClusterSpec(Builder builder) {
		this.replicas = builder.replicas;
		this.schema = builder.schema;
		this.provider = builder.provider;
		this.startTimeout = builder.startTimeout;
		this.dockerImage = builder.dockerImage;
	}

	/**
	 * One primary and two replicas, schema {@code rwsplit}, provider chosen from the environment.
	 * @return the default spec
	 */
	public static ClusterSpec defaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** @return the number of replicas, at least one */
	public int replicas() {
		return this.replicas;
	}

	/** @return the application schema created on the primary (and replicated) */
	public String schema() {
		return this.schema;
	}

	/**
	 * @return the provider asked for, or {@code null} to choose from the environment (see
	 * {@link MySqlReplicationClusters#start(ClusterSpec)})
	 */
	public @Nullable ClusterProvider provider() {
		return this.provider;
	}

	/** @return how long starting the whole cluster may take before it fails */
	public Duration startTimeout() {
		return this.startTimeout;
	}

	/** @return the MySQL image the Docker provider runs */
	public String dockerImage() {
		return this.dockerImage;
	}

	@Override
	public String toString() {
		return "ClusterSpec[replicas=" + this.replicas + ", schema=" + this.schema + ", provider="
				+ ((this.provider != null) ? this.provider : "auto") + "]";
	}

	/**
	 * Builds a {@link ClusterSpec}; every setting has a sensible default.
	 */
	public static final class Builder {

		private int replicas = 2;

		private String schema = "rwsplit";

		private @Nullable ClusterProvider provider;

		private Duration startTimeout = Duration.ofMinutes(3);

		private String dockerImage = "mysql:8.4";

		private Builder() {
		}

		/**
		 * @param replicas how many replicas, 1 to 9
		 * @return this builder
		 */
		public Builder replicas(int replicas) {
			if (replicas < 1 || replicas > 9) {
				throw new IllegalArgumentException("replicas must be between 1 and 9, was " + replicas);
			}
			this.replicas = replicas;
			return this;
		}

		/**
		 * @param schema the application schema's name, a plain MySQL identifier
		 * @return this builder
		 */
		public Builder schema(String schema) {
			if (schema == null || !IDENTIFIER.matcher(schema).matches()) {
				throw new IllegalArgumentException(
						"schema must be a plain identifier (letters, digits, underscore), was '" + schema + "'");
			}
			this.schema = schema;
			return this;
		}

		/**
		 * @param provider the provider, or {@code null} to choose from the environment
		 * @return this builder
		 */
		public Builder provider(@Nullable ClusterProvider provider) {
			this.provider = provider;
			return this;
		}

		/**
		 * @param startTimeout how long starting may take, positive
		 * @return this builder
		 */
		public Builder startTimeout(Duration startTimeout) {
			Objects.requireNonNull(startTimeout, "startTimeout");
			if (startTimeout.isNegative() || startTimeout.isZero()) {
				throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
			}
			this.startTimeout = startTimeout;
			return this;
		}

		/**
		 * @param dockerImage the MySQL 8.0+ image for the Docker provider
		 * @return this builder
		 */
		public Builder dockerImage(String dockerImage) {
			this.dockerImage = Objects.requireNonNull(dockerImage, "dockerImage");
			return this;
		}

		public ClusterSpec build() {
			return new ClusterSpec(this);
		}

	}

}
