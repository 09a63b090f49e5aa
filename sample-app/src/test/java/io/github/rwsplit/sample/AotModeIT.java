package io.github.rwsplit.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import io.github.rwsplit.testcluster.ClusterNode;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample app, built with Spring AOT, run in AOT mode on the JVM
 * ({@code -Dspring.aot.enabled=true}) against the shared cluster: it starts from the generated
 * bean definitions, writes on the primary and reads its own write from a replica. The nodes reach
 * it through {@code SPRING_APPLICATION_JSON}, not the command line, so the password is not in
 * the process list.
 */
class AotModeIT {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@Test
	@SuppressWarnings("unchecked")
	void theAotBuiltJarServesWritesFromThePrimaryAndTheNextReadFromAReplica() throws Exception {
		Path jar = Path.of("target", "rwsplit-sample-app.jar");
		assertThat(jar).as("the packaged sample app (mvn package runs before the integration tests)").exists();
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		Map<String, Object> properties = new LinkedHashMap<>(RwsplitClusterProperties.of(cluster));
		for (ClusterNode node : cluster.nodes()) {
			properties.put("sample.node-names." + node.serverId(), node.name());
		}
		Path log = Files.createTempFile(Path.of("target"), "aot-mode-", ".log");
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(List.of("-Dspring.aot.enabled=true", "-jar", jar.toString(), "--server.port=0"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("SPRING_APPLICATION_JSON", JsonMapper.builder().build().writeValueAsString(properties));
		Process app = builder.start();
		try {
			int port = awaitPort(app, log);
			assertThat(Files.readString(log)).contains("Starting AOT-processed BlogApplication");
			RestClient client = RestClient.create("http://localhost:" + port);

			ResponseEntity<Map<String, Object>> post = client.post()
				.uri("/posts")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("title", "AOT", "body", "built ahead of time"))
				.retrieve()
				.toEntity(JSON);
			assertThat(post.getBody().get("servedBy")).isEqualTo(Map.of("serverId", 1, "node", "primary"));
			long id = ((Number) ((Map<String, Object>) post.getBody().get("data")).get("id")).longValue();
			String token = post.getHeaders().getFirst("X-Rwsplit-Consistency");
			assertThat(token).isNotBlank();

			Map<String, Object> posts = client.get()
				.uri("/posts")
				.header("X-Rwsplit-Consistency", token)
				.retrieve()
				.body(JSON);
			assertThat(((Map<String, Object>) posts.get("servedBy")).get("node")).isIn("replica-1", "replica-2");
			assertThat((List<Map<String, Object>>) posts.get("data")).extracting((p) -> ((Number) p.get("id")).longValue())
				.contains(id);
		}
		finally {
			app.destroy();
			if (!app.waitFor(60, TimeUnit.SECONDS)) {
				app.destroyForcibly();
			}
		}
	}

	private static int awaitPort(Process app, Path log) throws IOException {
		try {
			return Awaitility.await("the AOT-mode app serving")
				.atMost(START_TIMEOUT)
				.pollInterval(Duration.ofMillis(200))
				.until(() -> port(app, log), Objects::nonNull);
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("The AOT-mode app did not serve within " + START_TIMEOUT + ":\n" + Files.readString(log),
					ex);
		}
	}

	/** The port the app serves on, once it says so; fails at once when the app has exited. */
	private static Integer port(Process app, Path log) throws IOException {
		String output = Files.readString(log, StandardCharsets.UTF_8);
		Matcher port = PORT.matcher(output);
		if (port.find()) {
			return Integer.parseInt(port.group(1));
		}
		if (!app.isAlive()) {
			throw new AssertionError("The AOT-mode app exited with " + app.exitValue() + " before serving:\n" + output);
		}
		return null;
	}

}
