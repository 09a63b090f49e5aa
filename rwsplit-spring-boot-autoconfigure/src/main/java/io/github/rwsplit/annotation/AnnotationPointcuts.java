package io.github.rwsplit.annotation;

import java.lang.annotation.Annotation;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * The pointcut rwsplit's advisors share: methods carrying one of some annotations, on the method
 * or on its class (inherited ones included).
 */
final class AnnotationPointcuts {

	private AnnotationPointcuts() {
	}

	@SafeVarargs
	static Pointcut onTypeOrMethod(Class<? extends Annotation>... annotations) {
		ComposablePointcut pointcut = null;
		for (Class<? extends Annotation> annotation : annotations) {
			ComposablePointcut either = new ComposablePointcut(new AnnotationMatchingPointcut(annotation, true))
				.union(new AnnotationMatchingPointcut(null, annotation, true));
			pointcut = (pointcut != null) ? pointcut.union((Pointcut) either) : either;
		}
		return pointcut;
	}

}
