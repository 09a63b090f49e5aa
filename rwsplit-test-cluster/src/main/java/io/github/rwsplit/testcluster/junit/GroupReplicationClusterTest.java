package io.github.rwsplit.testcluster.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a running Group Replication group of its own, started before its first test
 * and closed after its last: test methods, constructors and lifecycle methods can declare a
 * {@link io.github.rwsplit.testcluster.GroupReplicationCluster} parameter, and static code (such
 * as Spring's {@code @DynamicPropertySource}) can call
 * {@link GroupReplicationClusterExtension#cluster(Class)}. There is no shared group: tests of a
 * group kill and elect. A group that cannot start fails the tests; it never skips them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(GroupReplicationClusterExtension.class)
public @interface GroupReplicationClusterTest {

	/**
	 * The number of members, 2 to 9 (three tolerate the loss of one).
	 * @return the number of members
	 */
	int members() default 3;

}
