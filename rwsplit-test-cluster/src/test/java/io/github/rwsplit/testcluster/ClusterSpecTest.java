package io.github.rwsplit.testcluster;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClusterSpecTest {

	@AfterEach
	void clearProviderProperty() {
		System.clearProperty(ClusterProvider.SYSTEM_PROPERTY);
	}

	@Test
	void defaultsAreOnePrimaryAndTwoReplicasOfSchemaRwsplit() {
		ClusterSpec spec = ClusterSpec.defaults();
		assertThat(spec.replicas()).isEqualTo(2);
		assertThat(spec.schema()).isEqualTo("rwsplit");
		assertThat(spec.provider()).isNull();
		assertThat(spec.dockerImage()).startsWith("mysql:");
	}

	@Test
	void invalidValuesAreRejectedWithTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterSpec.builder().replicas(0))
			.withMessageContaining("replicas")
			.withMessageContaining("was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterSpec.builder().schema("app; DROP"))
			.withMessageContaining("'app; DROP'");
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterSpec.builder().startTimeout(Duration.ZERO))
			.withMessageContaining("startTimeout");
	}

	@Test
	void layoutNamesNodesAndGivesDistinctServerIds() {
		var nodes = AbstractMySqlReplicationCluster.layout(ClusterSpec.builder().replicas(3).build(), "127.0.0.1",
				new int[] { 1001, 1002, 1003, 1004 });
		assertThat(nodes).extracting(ClusterNode::name).containsExactly("primary", "replica-1", "replica-2", "replica-3");
		assertThat(nodes).extracting(ClusterNode::serverId).containsExactly(1, 2, 3, 4);
		assertThat(nodes.get(0).isPrimary()).isTrue();
		assertThat(nodes.get(2).jdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:1003/rwsplit?" + ClusterNode.URL_PROPERTIES);
	}

	@Test
	void providerOfTheSpecWinsOverTheEnvironment() {
		System.setProperty(ClusterProvider.SYSTEM_PROPERTY, "docker");
		assertThat(MySqlReplicationClusters.selectProvider(ClusterSpec.builder().provider(ClusterProvider.LOCAL).build()))
			.isEqualTo(ClusterProvider.LOCAL);
	}

	@Test
	void systemPropertySelectsTheProvider() {
		System.setProperty(ClusterProvider.SYSTEM_PROPERTY, " Docker ");
		assertThat(MySqlReplicationClusters.selectProvider(ClusterSpec.defaults())).isEqualTo(ClusterProvider.DOCKER);
	}

	@Test
	void unknownProviderNamesTheSettingAndTheChoices() {
		System.setProperty(ClusterProvider.SYSTEM_PROPERTY, "podman");
		assertThatIllegalArgumentException().isThrownBy(() -> MySqlReplicationClusters.selectProvider(ClusterSpec.defaults()))
			.withMessage("-Drwsplit.cluster.provider='podman' is not a cluster provider; use 'local' or 'docker'");
	}

	@Test
	void credentialsNeverPrintTheirPassword() {
		assertThat(new Credentials("app", "s3cr3t")).hasToString("Credentials[username=app, password=******]");
	}

	@Test
	void gtidSetsAreNormalisedToOneLine() {
		assertThat(AbstractMySqlReplicationCluster.normalizeGtidSet("a:1-3,\nb:1-2\n")).isEqualTo("a:1-3,b:1-2");
		assertThat(AbstractMySqlReplicationCluster.normalizeGtidSet(null)).isEmpty();
	}

}
