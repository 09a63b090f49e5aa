package io.github.rwsplit.autoconfigure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The nodes as {@code rwsplit.primary} and {@code rwsplit.replicas} describe them: the default
 * {@link RwsplitConnectionDetails}, read live from the bound properties.
 */
final class PropertiesRwsplitConnectionDetails implements RwsplitConnectionDetails {

	private final RwsplitProperties properties;

	PropertiesRwsplitConnectionDetails(RwsplitProperties properties) {
		this.properties = properties;
	}

	@Override
	public @Nullable Node primary() {
		RwsplitProperties.Node primary = this.properties.getPrimary();
		if (primary.getUrl() == null || primary.getUrl().isBlank()) {
			return null;
		}
		return new Node(primary.getUrl(), primary.getUsername(), primary.getPassword(), null);
	}

	@Override
	public Map<String, Node> replicas() {
		Map<String, Node> replicas = new LinkedHashMap<>();
		this.properties.getReplicas().forEach((name, replica) -> {
			if (replica.getUrl() != null && !replica.getUrl().isBlank()) {
				replicas.put(name, new Node(replica.getUrl(), replica.getUsername(), replica.getPassword(),
						replica.getGroup()));
			}
		});
		return Collections.unmodifiableMap(replicas);
	}

}
