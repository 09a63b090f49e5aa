package io.github.rwsplit.observation;

import io.micrometer.common.KeyValues;

import io.github.rwsplit.observation.RwsplitObservationDocumentation.WaitKeyNames;
import io.github.rwsplit.routing.WaitObserver;

/**
 * The default names and key values: observation {@value #NAME}, contextual name
 * {@code rwsplit wait <reason>} (the span's name), and the low-cardinality keys {@code node},
 * {@code role}, {@code reason} and, once the wait ended, {@code outcome}. No high-cardinality key:
 * the GTID set and the statement stay out of traces.
 */
public class DefaultWaitObservationConvention implements WaitObservationConvention {

	/** The observation's name, and the name of the timer a meter handler makes of it. */
	public static final String NAME = "rwsplit.wait";

	/** The shared instance. */
	public static final DefaultWaitObservationConvention INSTANCE = new DefaultWaitObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(WaitObservationContext context) {
		return "rwsplit wait " + context.getReason().tag();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(WaitObservationContext context) {
		WaitObserver.Reason reason = context.getReason();
		KeyValues values = KeyValues.of(WaitKeyNames.NODE.withValue(context.getNode()),
				WaitKeyNames.ROLE.withValue(reason.role()), WaitKeyNames.REASON.withValue(reason.tag()));
		WaitObserver.Outcome outcome = context.getOutcome();
		return (outcome != null) ? values.and(WaitKeyNames.OUTCOME.withValue(outcome.tag())) : values;
	}

}
