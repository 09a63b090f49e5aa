package io.github.rwsplit.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless the application excluded Spring Boot's {@code DataSourceAutoConfiguration}
 * ({@code @SpringBootApplication(exclude = ...)}, {@code spring.autoconfigure.exclude}). Such an
 * application asks for no auto-configured DataSource; rwsplit replacing Boot's would hand it one
 * anyway, and with it repositories and initializers it chose not to have. Exclusions are read from
 * the condition evaluation report, where Spring Boot records them before any auto-configuration's
 * conditions are evaluated.
 */
class OnDataSourceAutoConfigurationNotExcludedCondition extends SpringBootCondition {

	private static final String EXCLUDED = DataSourceAutoConfiguration.class.getName();

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		if (context.getBeanFactory() != null
				&& ConditionEvaluationReport.get(context.getBeanFactory()).getExclusions().contains(EXCLUDED)) {
			return ConditionOutcome.noMatch("the application excludes " + EXCLUDED);
		}
		return ConditionOutcome.match(EXCLUDED + " is not excluded");
	}

}
