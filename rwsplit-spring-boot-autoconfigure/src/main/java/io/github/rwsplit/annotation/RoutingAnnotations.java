package io.github.rwsplit.annotation;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;

import io.github.rwsplit.barrier.BarrierTimeoutPolicy;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.routing.Route;

/**
 * Reads the routing annotation in force for a method: the method's own (on the most specific
 * implementation), else its class's.
 */
public final class RoutingAnnotations {

	private RoutingAnnotations() {
	}

	/**
	 * What an annotation asks for.
	 *
	 * @param route where to run
	 * @param group the replica group, or {@code null} for the default
	 * @param maxLag the staleness budget, or {@code null} for none
	 * @param consistency the consistency mode, or {@code null} for the global one
	 * @param element where the annotation was found
	 * @param barrier the write barrier to hold after the work, or {@code null} for none
	 */
	public record Request(Route route, @Nullable String group, @Nullable Duration maxLag,
			@Nullable ConsistencyMode consistency,
			AnnotatedElement element, @Nullable Barrier barrier) {

		/**
		 * A request without a write barrier.
		 * @param route where to run
		 * @param group the replica group, or {@code null} for the default
		 * @param maxLag the staleness budget, or {@code null} for none
		 * @param consistency the consistency mode, or {@code null} for the global one
		 * @param element where the annotation was found
		 */
		public Request(Route route, @Nullable String group, @Nullable Duration maxLag,
				@Nullable ConsistencyMode consistency,
				AnnotatedElement element) {
			this(route, group, maxLag, consistency, element, null);
		}

	}

	/**
	 * A write barrier an {@code @Primary} asks for.
	 *
	 * @param replicas how many replicas, or {@link Primary#ALL}
	 * @param group the replica group, or {@code null} for the default
	 * @param timeout the bound, or {@code null} for the configured one
	 * @param onTimeout what happens when it passes
	 */
	public record Barrier(int replicas, @Nullable String group, @Nullable Duration timeout,
			BarrierTimeoutPolicy onTimeout) {
	}

	/**
	 * The routing request for a method.
	 * @param method the most specific method
	 * @param targetClass the class of the target object
	 * @return the request, or {@code null} when neither the method nor its class is annotated
	 * @throws IllegalStateException when one element carries both annotations, or a budget that is
	 * not a duration
	 */
	public static @Nullable Request find(Method method, Class<?> targetClass) {
		Request onMethod = on(method);
		return (onMethod != null) ? onMethod : on(targetClass);
	}

	/**
	 * The routing request of one element (method or class), ignoring its enclosing class.
	 * @param element a method or class
	 * @return the request, or {@code null}
	 */
	public static @Nullable Request on(AnnotatedElement element) {
		ReadReplica replica = AnnotatedElementUtils.findMergedAnnotation(element, ReadReplica.class);
		boolean primary = AnnotatedElementUtils.hasAnnotation(element, Primary.class);
		if (replica != null && primary) {
			throw new IllegalStateException(element + " carries both @ReadReplica and @Primary; keep one");
		}
		if (replica != null) {
			ConsistencyMode consistency = (replica.consistency() == ConsistencyMode.DEFAULT) ? null : replica.consistency();
			return new Request(Route.REPLICA, replica.value().isEmpty() ? null : replica.value(),
					parseMaxLag(replica.maxLag(), element), consistency, element);
		}
		if (!primary) {
			return null;
		}
		Primary annotation = AnnotatedElementUtils.findMergedAnnotation(element, Primary.class);
		return new Request(Route.PRIMARY, null, null, null, element, barrier(annotation, element));
	}

	private static Barrier barrier(Primary annotation, AnnotatedElement element) {
		if (annotation == null) {
			return null;
		}
		int replicas = annotation.awaitReplicas();
		String group = annotation.awaitGroup().isBlank() ? null : annotation.awaitGroup().trim();
		if (replicas < Primary.ALL) {
			throw new IllegalStateException("@Primary(awaitReplicas = " + replicas + ") on " + element
					+ " is negative; use a number of replicas or Primary.ALL");
		}
		if (replicas == 0 && group == null) {
			if (!annotation.awaitTimeout().isBlank() || annotation.onTimeout() != BarrierTimeoutPolicy.DEFAULT) {
				throw new IllegalStateException("@Primary on " + element + " sets awaitTimeout or onTimeout without "
						+ "awaitReplicas or awaitGroup, so there is no write barrier for them to apply to");
			}
			return null;
		}
		return new Barrier((replicas == 0) ? Primary.ALL : replicas, group,
				parseDuration("@Primary(awaitTimeout", annotation.awaitTimeout(), element), annotation.onTimeout());
	}

	private static Duration parseMaxLag(String text, AnnotatedElement element) {
		return parseDuration("@ReadReplica(maxLag", text, element);
	}

	private static Duration parseDuration(String attribute, String text, AnnotatedElement element) {
		if (text.isBlank()) {
			return null;
		}
		Duration duration;
		try {
			duration = DurationFormatterUtils.detectAndParse(text.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(attribute + " = \"" + text + "\") on " + element
					+ " is not a duration; write it like \"500ms\" or \"2s\"", ex);
		}
		if (duration.isNegative()) {
			throw new IllegalStateException(attribute + " = \"" + text + "\") on " + element + " is negative");
		}
		return duration;
	}

}
