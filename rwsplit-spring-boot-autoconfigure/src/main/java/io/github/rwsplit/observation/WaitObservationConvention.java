package io.github.rwsplit.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of rwsplit's wait observations; declare a bean of this type to replace
 * {@link DefaultWaitObservationConvention}.
 */
public interface WaitObservationConvention extends ObservationConvention<WaitObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof WaitObservationContext;
	}

}
