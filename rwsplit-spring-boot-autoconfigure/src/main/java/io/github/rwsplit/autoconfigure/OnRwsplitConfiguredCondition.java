package io.github.rwsplit.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the application describes its nodes under {@code rwsplit.primary} or
 * {@code rwsplit.replicas}, or defines a {@link RwsplitConnectionDetails} bean (directly, or
 * through {@code @ServiceConnection} or Docker Compose). Adding the starter alone changes nothing;
 * describing replicas but forgetting the primary still matches, so that validation can say what is
 * missing.
 */
class OnRwsplitConfiguredCondition extends SpringBootCondition implements ConfigurationCondition {

	/** Bean definitions (a connection-details bean among them) exist only once configuration classes are parsed. */
	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	private static final ConfigurationPropertyName PRIMARY = ConfigurationPropertyName.of("rwsplit.primary");

	private static final ConfigurationPropertyName REPLICAS = ConfigurationPropertyName.of("rwsplit.replicas");

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
			if (source.containsDescendantOf(PRIMARY) == ConfigurationPropertyState.PRESENT
					|| source.containsDescendantOf(REPLICAS) == ConfigurationPropertyState.PRESENT) {
				return ConditionOutcome.match("rwsplit.primary or rwsplit.replicas is configured");
			}
		}
		if (context.getBeanFactory() != null && context.getBeanFactory()
			.getBeanNamesForType(RwsplitConnectionDetails.class, true, false).length > 0) {
			return ConditionOutcome.match("a RwsplitConnectionDetails bean is defined");
		}
		return ConditionOutcome
			.noMatch("neither rwsplit.primary nor rwsplit.replicas is configured, and no RwsplitConnectionDetails bean is defined");
	}

}
