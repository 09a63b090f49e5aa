package io.github.rwsplit.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * On a Spring Boot test class: the application's {@code DataSource} is an rwsplit router over
 * nodes with no database behind them, so that routing rules (annotations, read-only transactions,
 * statement routing) are tested without MySQL. Statements run nothing: queries return no rows and
 * updates count none; {@code Connection.getCatalog()} returns the node's name. Use it with
 * {@link RecordRoutes} to assert where work went; code that needs its data back needs the real
 * cluster ({@link RwsplitTestCluster}).
 *
 * <p>The monitor is off ({@code rwsplit.monitor.enabled=false}): every stub replica stays in
 * rotation. Schema initialisation and migrations run against the stubs and do nothing; JPA needs
 * a real database.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(TestBeansRegistrar.class)
@TestPropertySource(properties = "rwsplit.monitor.enabled=false")
public @interface RwsplitStubNodes {

	/**
	 * The replicas, each as {@code name} or {@code name=group}; the primary is {@code primary}.
	 * @return the stub replicas
	 */
	String[] replicas() default { "replica-1", "replica-2" };

}
