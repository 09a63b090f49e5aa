package io.github.rwsplit.sample;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample itself.
 *
 * @param nodeNames names to show for servers, by {@code @@server_id}
 */
@ConfigurationProperties("sample")
record SampleProperties(Map<Long, String> nodeNames) {

	SampleProperties {
		nodeNames = (nodeNames != null) ? Map.copyOf(nodeNames) : Map.of();
	}

	String nodeName(long serverId) {
		return this.nodeNames.getOrDefault(serverId, "server-" + serverId);
	}

}
