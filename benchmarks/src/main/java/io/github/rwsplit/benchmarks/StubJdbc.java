package io.github.rwsplit.benchmarks;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A JDBC driver stand-in with no network: every checkout returns the same inert connection, so
 * that a pool over it measures the pool and whatever sits in front of it, and nothing else.
 */
final class StubJdbc {

	private StubJdbc() {
	}

	static DataSource dataSource(String schema) {
		Connection connection = (Connection) Proxy.newProxyInstance(StubJdbc.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getAutoCommit", "isValid" -> true;
					case "isReadOnly", "isClosed", "isWrapperFor" -> false;
					case "getTransactionIsolation" -> Connection.TRANSACTION_REPEATABLE_READ;
					case "getNetworkTimeout", "hashCode" -> 0;
					case "getSchema", "getCatalog" -> schema;
					case "equals" -> proxy == args[0];
					case "toString" -> "stub connection to " + schema;
					default -> null;
				});
		return new DataSource() {

			@Override
			public Connection getConnection() {
				return connection;
			}

			@Override
			public Connection getConnection(String username, String password) {
				return connection;
			}

			@Override
			public PrintWriter getLogWriter() {
				return null;
			}

			@Override
			public void setLogWriter(PrintWriter out) {
			}

			@Override
			public void setLoginTimeout(int seconds) {
			}

			@Override
			public int getLoginTimeout() {
				return 0;
			}

			@Override
			public Logger getParentLogger() throws SQLFeatureNotSupportedException {
				throw new SQLFeatureNotSupportedException();
			}

			@Override
			public <T> T unwrap(Class<T> iface) {
				return null;
			}

			@Override
			public boolean isWrapperFor(Class<?> iface) {
				return false;
			}

		};
	}

}
