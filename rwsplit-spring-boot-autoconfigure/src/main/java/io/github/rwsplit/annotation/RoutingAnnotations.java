package io.github.rwsplit.annotation;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.time.Duration;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;

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
	 */
	public record Request(Route route, String group, Duration maxLag, ConsistencyMode consistency,
			AnnotatedElement element) {
	}

	/**
	 * The routing request for a method.
	 * @param method the most specific method
	 * @param targetClass the class of the target object
	 * @return the request, or {@code null} when neither the method nor its class is annotated
	 * @throws IllegalStateException when one element carries both annotations, or a budget that is
	 * not a duration
	 */
	public static Request find(Method method, Class<?> targetClass) {
		Request onMethod = on(method);
		return (onMethod != null) ? onMethod : on(targetClass);
	}

	/**
	 * The routing request of one element (method or class), ignoring its enclosing class.
	 * @param element a method or class
	 * @return the request, or {@code null}
	 */
	public static Request on(AnnotatedElement element) {
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
		return primary ? new Request(Route.PRIMARY, null, null, null, element) : null;
	}

	private static Duration parseMaxLag(String text, AnnotatedElement element) {
		if (text.isBlank()) {
			return null;
		}
		Duration maxLag;
		try {
			maxLag = DurationFormatterUtils.detectAndParse(text.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@ReadReplica(maxLag = \"" + text + "\") on " + element
					+ " is not a duration; write it like \"500ms\" or \"2s\"", ex);
		}
		if (maxLag.isNegative()) {
			throw new IllegalStateException("@ReadReplica(maxLag = \"" + text + "\") on " + element + " is negative");
		}
		return maxLag;
	}

}
