package io.github.rwsplit.sample;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

import io.github.rwsplit.testcluster.MySqlReplicationCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample's default: with no database configured it starts its own cluster, serves from it,
 * and stops it on exit.
 */
class LocalClusterStartupIT {

	@Test
	void startsItsOwnClusterServesFromItAndStopsItOnExit() {
		MySqlReplicationCluster cluster;
		try (ConfigurableApplicationContext context = BlogApplication.application().run("--server.port=0")) {
			cluster = context.getBean(MySqlReplicationCluster.class);
			assertThat(cluster.replicas()).hasSize(2);
			assertThat(context.getEnvironment().getProperty("rwsplit.primary.url")).isEqualTo(cluster.primary().jdbcUrl());
			assertThat(context.getEnvironment().getProperty("rwsplit.replicas.replica-2.url"))
				.isEqualTo(cluster.node("replica-2").jdbcUrl());

			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			Map<String, Object> posts = RestClient.create("http://localhost:" + port)
				.get()
				.uri("/posts")
				.retrieve()
				.body(new ParameterizedTypeReference<Map<String, Object>>() {
				});
			assertThat(((Map<?, ?>) posts.get("servedBy")).get("node")).isIn("replica-1", "replica-2");
		}
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> cluster.openAdminConnection("nope"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> cluster.gtidExecuted("primary"));
	}

}
