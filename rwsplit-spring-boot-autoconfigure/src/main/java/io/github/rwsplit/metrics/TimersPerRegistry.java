package io.github.rwsplit.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * One timer per outcome in every registry a binder is bound to, so that a timing recorded once
 * reaches all of them (a binder may be bound to several registries; each gets its own meters).
 * Recording reads an array that binding replaces, never changes: no locks on the recording path.
 *
 * <p>No percentile histogram unless the application asks for one (Spring Boot's
 * {@code management.metrics.distribution.percentiles-histogram.rwsplit=true}): each timer would
 * otherwise publish about 70 buckets per outcome whether anything was ever timed or not.
 */
final class TimersPerRegistry {

	private final String name;

	private final String description;

	private final List<String> outcomes;

	/** Per bound registry: one timer per outcome, in the order of {@link #outcomes}. */
	private volatile Timer[][] bound = new Timer[0][];

	/**
	 * @param name the meter name
	 * @param description the meter description
	 * @param outcomes the {@code outcome} tag values, in the order {@link #record} indexes them
	 */
	TimersPerRegistry(String name, String description, List<String> outcomes) {
		this.name = name;
		this.description = description;
		this.outcomes = List.copyOf(outcomes);
	}

	synchronized void bindTo(MeterRegistry registry) {
		Timer[] timers = new Timer[this.outcomes.size()];
		for (int i = 0; i < timers.length; i++) {
			timers[i] = Timer.builder(this.name)
				.description(this.description)
				.tag("outcome", this.outcomes.get(i))
				.register(registry);
		}
		Timer[][] next = Arrays.copyOf(this.bound, this.bound.length + 1);
		next[next.length - 1] = timers;
		this.bound = next;
	}

	void record(int outcome, long nanos) {
		Timer[][] current = this.bound;
		for (int i = 0; i < current.length; i++) {
			current[i][outcome].record(nanos, TimeUnit.NANOSECONDS);
		}
	}

}
