package io.github.rwsplit.testcluster.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a running MySQL replication cluster: test methods, constructors and
 * lifecycle methods can declare a {@link io.github.rwsplit.testcluster.MySqlReplicationCluster}
 * parameter, and static code (such as Spring's {@code @DynamicPropertySource}) can call
 * {@link MySqlClusterExtension#cluster(Class)}.
 *
 * <p>By default the class shares the JVM's one cluster
 * ({@link io.github.rwsplit.testcluster.SharedMySqlCluster}); a class that kills nodes, stops
 * replication, delays replicas or changes the primary asks for a {@link #dedicated()} one, which
 * is closed after the class. A cluster that cannot start fails the tests; it never skips them. For
 * a Group Replication group, see {@link GroupReplicationClusterTest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MySqlClusterExtension.class)
public @interface MySqlClusterTest {

	/**
	 * Whether the class gets a cluster of its own, started before its first test and closed after
	 * its last.
	 * @return {@code true} for a dedicated cluster
	 */
	boolean dedicated() default false;

	/**
	 * The number of replicas of a dedicated cluster; the shared cluster always has two.
	 * @return the number of replicas
	 */
	int replicas() default 2;

}
