package io.github.rwsplit.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * On a Spring Boot test class: rwsplit routes over the shared real cluster of
 * {@code rwsplit-test-cluster} (a MySQL primary and replicas {@code replica-1} and
 * {@code replica-2}, started once per JVM), in place of the nodes the application configures.
 * The cluster is declared as a {@code RwsplitConnectionDetails} bean, which replaces
 * {@code rwsplit.primary} and {@code rwsplit.replicas} whole: none of the application's own node
 * entries, URLs or logins reach the test, and the monitor logs in with the cluster's account
 * rather than {@code rwsplit.monitor.username}. Other {@code rwsplit.*} settings still apply.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(TestBeansRegistrar.class)
public @interface RwsplitTestCluster {

	/**
	 * Replica groups, each as {@code replica=group}, e.g. {@code "replica-2=reporting"}; replicas
	 * not named here are in the default group.
	 * @return the group of each replica that is not in the default group
	 */
	String[] groups() default {};

}
