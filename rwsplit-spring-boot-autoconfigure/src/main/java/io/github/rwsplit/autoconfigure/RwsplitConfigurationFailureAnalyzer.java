package io.github.rwsplit.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.rwsplit.RwsplitConfigurationException;

/**
 * Reports an invalid rwsplit configuration at start-up, naming the property and the fix.
 */
class RwsplitConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RwsplitConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RwsplitConfigurationException cause) {
		return new FailureAnalysis("Invalid rwsplit configuration: " + cause.getMessage(), cause.getAction(), cause);
	}

}
