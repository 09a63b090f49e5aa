package io.github.rwsplit.docs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/configuration.md} and the generated configuration metadata in step: every
 * property the metadata knows is documented with its description, and every property has one.
 */
class ConfigurationDocumentationTests {

	private static final Path DOC = Path.of("..", "docs", "configuration.md");

	private static List<Map<String, Object>> metadataProperties() throws IOException {
		try (InputStream in = ConfigurationDocumentationTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			return JsonPath.read(in, "$.properties[*]");
		}
	}

	@Test
	void everyPropertyHasADescription() throws IOException {
		assertThat(metadataProperties()).isNotEmpty()
			.allSatisfy((property) -> assertThat((String) property.get("description")).as((String) property.get("name"))
				.isNotBlank()
				.doesNotContain("\n"));
	}

	@Test
	void everyPropertyIsDocumentedWithItsDescription() throws IOException {
		String doc = Files.readString(DOC);
		for (Map<String, Object> property : metadataProperties()) {
			String name = (String) property.get("name");
			// Per-node pool settings are documented once, under rwsplit.pool.
			String documented = name.replace("rwsplit.primary.pool.", "rwsplit.pool.");
			if (documented.equals("rwsplit.pool.data-source-properties")) {
				documented += ".*";
			}
			String row = "| `" + documented + "` |";
			assertThat(doc).as("docs/configuration.md documents %s", name).contains(row);
			String line = doc.lines().filter((l) -> l.startsWith(row)).findFirst().orElseThrow();
			assertThat(line).as("description of %s", name).endsWith("| " + property.get("description") + " |");
		}
	}

	@Test
	void replicaKeysBoundThroughTheMapAreDocumented() throws IOException {
		String doc = Files.readString(DOC);
		for (String key : List.of("url", "username", "password", "weight", "group", "pool.*")) {
			assertThat(doc).contains("| `rwsplit.replicas.<name>." + key + "` |");
		}
	}

}
