package io.github.rwsplit.autoconfigure;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user sees when a context fails to start because of rwsplit's configuration.
 */
final class StartupFailures {

	private StartupFailures() {
	}

	/**
	 * The failure analysis Spring Boot would print for a context that failed to start.
	 * @param context a context expected to have failed on rwsplit's configuration
	 * @return the analysis
	 */
	static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new RwsplitConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

}
