package io.github.rwsplit.observation;

import java.util.Objects;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.routing.WaitObserver;

/**
 * Reports rwsplit's waits as Micrometer Observations named
 * {@value DefaultWaitObservationConvention#NAME}: each wait is started, made current on its
 * thread (so that what runs inside it, such as an instrumented JDBC statement, is its child), and
 * stopped with its outcome. The observation in scope when the wait starts (the request's, say) is
 * its parent.
 *
 * <p>With {@link ObservationRegistry#NOOP}, or any registry that is a no-op, a wait costs one
 * check and allocates nothing. Waits are reported only when they happen; a checkout that waits
 * for nothing never gets here.
 */
public class ObservationWaitObserver implements WaitObserver {

	private final ObservationRegistry registry;

	private final @Nullable WaitObservationConvention convention;

	/**
	 * @param registry the registry, {@link ObservationRegistry#NOOP} for none
	 * @param convention the application's convention, or {@code null} for
	 * {@link DefaultWaitObservationConvention}
	 */
	public ObservationWaitObserver(ObservationRegistry registry, @Nullable WaitObservationConvention convention) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.convention = convention;
	}

	@Override
	public Wait start(Reason reason, String node) {
		if (this.registry.isNoop()) {
			return Wait.NONE;
		}
		WaitObservationContext context = new WaitObservationContext(reason, node);
		Observation observation = RwsplitObservationDocumentation.WAIT
			.observation(this.convention, DefaultWaitObservationConvention.INSTANCE, () -> context, this.registry)
			.start();
		Observation.Scope scope = observation.openScope();
		return (outcome) -> {
			context.setOutcome(outcome);
			scope.close();
			observation.stop();
		};
	}

}
