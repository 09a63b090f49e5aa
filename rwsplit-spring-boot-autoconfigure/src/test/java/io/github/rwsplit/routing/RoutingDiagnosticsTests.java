package io.github.rwsplit.routing;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A diagnostic names the application's own method: not the ORM, the framework, the pool, the
 * driver, the JDK or rwsplit, which sit between it and the statement.
 */
class RoutingDiagnosticsTests {

	private static StackTraceElement frame(String className, String method) {
		return new StackTraceElement(className, method, null, -1);
	}

	@Test
	void writeOnAReplicaThroughHibernateNamesTheApplicationMethod() {
		Stream<StackTraceElement> stack = Stream.of(
				frame("io.github.rwsplit.mysql.ReadOnlyRouteExceptionInterceptor", "interceptException"),
				frame("com.mysql.cj.jdbc.ClientPreparedStatement", "executeUpdate"),
				frame("com.zaxxer.hikari.pool.HikariProxyPreparedStatement", "executeUpdate"),
				frame("org.hibernate.engine.jdbc.internal.ResultSetReturnImpl", "executeUpdate"),
				frame("org.hibernate.persister.entity.mutation.InsertCoordinatorStandard", "doStaticInserts"),
				frame("org.hibernate.internal.SessionImpl", "flush"),
				frame("jakarta.persistence.EntityManager", "flush"),
				frame("io.github.rwsplit.annotation.RoutingAnnotationInterceptor", "invoke"),
				frame("com.example.shop.OrderService", "place"),
				frame("jdk.internal.reflect.DirectMethodHandleAccessor", "invoke"),
				frame("org.springframework.aop.support.AopUtils", "invokeJoinpointUsingReflection"),
				frame("com.example.shop.OrderService$$SpringCGLIB$$0", "place"),
				frame("com.example.shop.OrderController", "post"));
		assertThat(RoutingDiagnostics.nearestApplicationFrame(stack)).hasValueSatisfying(
				(frame) -> assertThat(frame.getClassName() + "." + frame.getMethodName())
					.isEqualTo("com.example.shop.OrderService.place"));
	}

	@Test
	void frameworksAndProxiesAreNeverTheSite() {
		for (String framework : new String[] { "org.hibernate.Foo", "org.springframework.Foo", "jdk.proxy2.$Proxy12",
				"java.lang.Thread", "jakarta.persistence.Foo", "com.zaxxer.hikari.Foo", "com.mysql.cj.Foo",
				"io.github.rwsplit.mysql.Foo", "io.github.rwsplit.annotation.Foo", "io.github.rwsplit.barrier.Foo",
				"org.apache.catalina.Foo", "net.bytebuddy.Foo", "com.example.Service$$SpringCGLIB$$0",
				"com.example.Entity$HibernateProxy$abc" }) {
			assertThat(RoutingDiagnostics.nearestApplicationFrame(Stream.of(frame(framework, "run")))).as(framework)
				.isEmpty();
		}
		assertThat(RoutingDiagnostics.nearestApplicationFrame(Stream.of(frame("io.github.rwsplit.sample.BlogService", "add"))))
			.as("an application in a package below io.github.rwsplit is still an application")
			.isPresent();
	}

}
