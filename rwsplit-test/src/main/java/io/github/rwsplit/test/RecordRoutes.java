package io.github.rwsplit.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * On a Spring Boot test class: declares a {@link RouteRecorder} bean, which rwsplit tells where
 * each connection went, and empties it before each test method (after {@code @BeforeEach}).
 * Unless {@link #deterministicReplicas()} is {@code false}, reads go to the replica whose name
 * sorts first among those in rotation ({@link FirstByNameReplicaSelector}), so which replica
 * serves does not depend on a load balancer's turn.
 * <pre>{@code
 * @SpringBootTest
 * @RecordRoutes
 * class PostServiceTests {
 *     @Autowired PostService posts;
 *     @Autowired RouteRecorder routes;
 *
 *     @Test
 *     void recentPostsAreReadFromAReplica() {
 *         posts.recent();
 *         assertThat(routes).single().wentToReplica().withReason(RouteReason.READ_ONLY_TRANSACTION);
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(TestBeansRegistrar.class)
public @interface RecordRoutes {

	/**
	 * Whether reads go to the first replica by name rather than by {@code rwsplit.load-balancing}
	 * (or the application's own {@code ReplicaSelector}, which this replaces).
	 * @return {@code true} for the same replica in every run
	 */
	boolean deterministicReplicas() default true;

}
