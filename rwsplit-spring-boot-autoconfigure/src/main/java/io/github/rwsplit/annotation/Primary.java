package io.github.rwsplit.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method's database work on the primary, even in read-only transactions: for
 * reads that must see the latest writes. On a class, applies to every public method.
 *
 * <p>Not to be confused with Spring's {@code org.springframework.context.annotation.Primary},
 * which chooses between beans; rwsplit warns at start-up when Spring's annotation sits on a method
 * that is not a {@code @Bean} method, which is almost always a wrong import.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface Primary {

}
