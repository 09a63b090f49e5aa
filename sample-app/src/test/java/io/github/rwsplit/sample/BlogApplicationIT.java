package io.github.rwsplit.sample;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blog on rwsplit against the shared cluster: writes on the primary, reads on a replica, and
 * every response says which server answered. Runs with the {@code operator} profile, which grants
 * drain and undrain on a loopback management port, away from the public one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ActiveProfiles("operator")
class BlogApplicationIT {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		RwsplitClusterProperties.of(cluster).forEach((name, value) -> registry.add(name, () -> value));
		for (ClusterNode node : cluster.nodes()) {
			registry.add("sample.node-names." + node.serverId(), node::name);
		}
	}

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	SampleProperties properties;

	private RestClient client() {
		return RestClient.builder().baseUrl("http://localhost:" + this.port).build();
	}

	private RestClient management() {
		return RestClient.builder().baseUrl("http://127.0.0.1:" + this.managementPort).build();
	}

	@Test
	@SuppressWarnings("unchecked")
	void theNextReadAfterACommentShowsItFromAReplica() {
		Map<String, Object> post = client().post()
			.uri("/posts")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("title", "Replication", "body", "Reads go to replicas."))
			.retrieve()
			.body(JSON);
		long postId = ((Number) ((Map<String, Object>) post.get("data")).get("id")).longValue();
		assertThat(post.get("servedBy")).isEqualTo(Map.of("serverId", 1, "node", "primary"));

		ResponseEntity<Map<String, Object>> comment = client().post()
			.uri("/posts/{id}/comments", postId)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("author", "ada", "text", "Where did my comment go?"))
			.retrieve()
			.toEntity(JSON);
		assertThat(((Map<String, Object>) comment.getBody().get("servedBy")).get("node")).isEqualTo("primary");
		// rwsplit sends the session's consistency token back; the client echoes it, as a browser does
		// with the cookie, and the very next read sees the comment, from a replica.
		String token = comment.getHeaders().getFirst("X-Rwsplit-Consistency");
		assertThat(token).isNotBlank();

		Map<String, Object> comments = client().get()
			.uri("/posts/{id}/comments", postId)
			.header("X-Rwsplit-Consistency", token)
			.retrieve()
			.body(JSON);
		List<Map<String, Object>> data = (List<Map<String, Object>>) comments.get("data");
		assertThat(data).extracting((c) -> c.get("text")).containsExactly("Where did my comment go?");
		assertThat(data).extracting((c) -> c.get("author")).containsExactly("ada");
		assertThat(((Map<String, Object>) comments.get("servedBy")).get("node")).isIn("replica-1", "replica-2");
	}

	@Test
	void commentOnAMissingPostIsNotFoundAndBlankFieldsAreBadRequests() {
		HttpStatusCode missing = client().post()
			.uri("/posts/{id}/comments", Long.MAX_VALUE)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("author", "ada", "text", "hello"))
			.exchange((request, response) -> response.getStatusCode());
		assertThat(missing).isEqualTo(HttpStatus.NOT_FOUND);

		HttpStatusCode blank = client().post()
			.uri("/posts")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("title", " ", "body", "x"))
			.exchange((request, response) -> response.getStatusCode());
		assertThat(blank).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	@SuppressWarnings("unchecked")
	void drainingAReplicaThroughTheEndpointMovesItsReadsAndUndrainBringsThemBack() {
		Map<String, Object> drained = management().post()
			.uri("/actuator/rwsplit/{node}", "replica-1")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "drain"))
			.retrieve()
			.body(JSON);
		assertThat(drained).containsEntry("name", "replica-1").containsEntry("state", "DRAINED");
		try {
			for (int i = 0; i < 20; i++) {
				assertThat(servedBy("/posts")).isEqualTo("replica-2");
			}
			Map<String, Object> health = management().get().uri("/actuator/health").retrieve().body(JSON);
			assertThat(health).containsEntry("status", "UP");
			assertThat(((Map<String, Object>) health.get("components"))).containsKey("rwsplit");
		}
		finally {
			management().post()
				.uri("/actuator/rwsplit/{node}", "replica-1")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("action", "undrain"))
				.retrieve()
				.toBodilessEntity();
		}
		// Undrained, replica-1 rejoins once the monitor has checked it again.
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
		boolean back = false;
		while (!back && System.nanoTime() < deadline) {
			back = "replica-1".equals(servedBy("/posts"));
		}
		assertThat(back).as("reads return to replica-1 after undrain").isTrue();
	}

	@Test
	void aBadDrainRequestIsRefused() {
		HttpStatusCode primary = management().post()
			.uri("/actuator/rwsplit/{node}", "primary")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "drain"))
			.exchange((request, response) -> response.getStatusCode());
		assertThat(primary).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void thePublicPortOffersNoOperatorControls() {
		HttpStatusCode drain = client().post()
			.uri("/actuator/rwsplit/{node}", "replica-1")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("action", "drain"))
			.exchange((request, response) -> response.getStatusCode());
		assertThat(drain.is4xxClientError()).isTrue();
		assertThat(servedByAll()).contains("replica-1");
	}

	@SuppressWarnings("unchecked")
	private String servedBy(String uri) {
		Map<String, Object> body = client().get().uri(uri).retrieve().body(JSON);
		return (String) ((Map<String, Object>) body.get("servedBy")).get("node");
	}

	private java.util.Set<String> servedByAll() {
		java.util.Set<String> nodes = new java.util.HashSet<>();
		for (int i = 0; i < 10; i++) {
			nodes.add(servedBy("/posts"));
		}
		return nodes;
	}

	@Test
	void nodeNamesComeFromTheCluster() {
		assertThat(this.properties.nodeName(1)).isEqualTo("primary");
		assertThat(this.properties.nodeName(2)).isEqualTo("replica-1");
		assertThat(this.properties.nodeName(99)).isEqualTo("server-99");
	}

}
