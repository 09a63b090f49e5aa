package io.github.rwsplit.mysql;

import java.sql.Connection;
import java.sql.Statement;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image needs to know about rwsplit ahead of time: Connector/J creates the four
 * plug-ins of this package by class name, from connection properties, through their public
 * no-argument constructors; and the router hands out JDK proxies of {@link Connection} (statement
 * routing, the primary-reads guard) and {@link Statement} (statements that pick their node when
 * they run). Registered through {@code META-INF/spring/aot.factories}.
 */
public class RwsplitRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		for (Class<?> plugin : new Class<?>[] { GtidCaptureInterceptor.class, ReadOnlyRouteExceptionInterceptor.class,
				ResponseTimeInterceptor.class, SlowStatementLog.class }) {
			hints.reflection().registerType(plugin, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		}
		hints.proxies().registerJdkProxy(Connection.class);
		hints.proxies().registerJdkProxy(Statement.class);
	}

}
