package io.github.rwsplit.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * What the annotation processors write into this module's jar, read back as an IDE or Spring Boot
 * reads it: the configuration metadata, merged with the hand-written hints, and the
 * auto-configuration metadata that lets Spring Boot skip an auto-configuration without loading
 * its class. Fails when a processor did not run.
 */
class GeneratedMetadataTests {

	private static final String ISOLATION_HINTS = "$.hints[?(@.name == '%s')].values[*].value";

	@Test
	void replicasAreANamedMapWhoseValuesAreReplicaSettings() throws IOException {
		// The processor records a map of objects by its value type; IDEs complete
		// rwsplit.replicas.<name>.* from that type's properties.
		List<String> types = JsonPath.read(configurationMetadata(),
				"$.properties[?(@.name == 'rwsplit.replicas')].type");
		assertThat(types).containsExactly(
				"java.util.Map<java.lang.String,io.github.rwsplit.autoconfigure.RwsplitProperties$Replica>");
	}

	@Test
	void transactionIsolationIsHintedWithTheLevelsThePoolsAccept() throws IOException {
		String metadata = configurationMetadata();
		for (String property : List.of("rwsplit.pool.transaction-isolation",
				"rwsplit.primary.pool.transaction-isolation")) {
			List<String> values = JsonPath.read(metadata, ISOLATION_HINTS.formatted(property));
			assertThat(values).as(property)
				.containsExactlyInAnyOrder("TRANSACTION_READ_UNCOMMITTED", "TRANSACTION_READ_COMMITTED",
						"TRANSACTION_REPEATABLE_READ", "TRANSACTION_SERIALIZABLE");
			values.forEach((value) -> assertThatNoException().as(value)
				.isThrownBy(() -> NodePoolFactory.isolationLevel(value)));
		}
	}

	@Test
	void everyAutoConfigurationHasAutoConfigureMetadata() throws IOException {
		Properties metadata = new Properties();
		try (InputStream in = moduleResource("META-INF/spring-autoconfigure-metadata.properties").openStream()) {
			metadata.load(in);
		}
		List<String> autoConfigurations;
		try (InputStream in = moduleResource(
				"META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
			.openStream()) {
			autoConfigurations = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.map(String::strip)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.toList();
		}
		assertThat(autoConfigurations).isNotEmpty();
		assertThat(metadata).containsKeys(autoConfigurations.toArray());
	}

	private static String configurationMetadata() throws IOException {
		try (InputStream in = moduleResource("META-INF/spring-configuration-metadata.json").openStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	/**
	 * This module's copy of a resource that Spring Boot's own jars carry too: the one in a
	 * directory of the build, not in a jar.
	 */
	private static URL moduleResource(String name) throws IOException {
		List<URL> found = Collections.list(GeneratedMetadataTests.class.getClassLoader().getResources(name))
			.stream()
			.filter((url) -> "file".equals(url.getProtocol()))
			.toList();
		assertThat(found).as("%s generated into this module's classes", name).hasSize(1);
		return found.get(0);
	}

}
