package io.github.rwsplit.routing;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A DataSource that records every checkout under its node's name and hands out inert
 * connections whose {@code getCatalog()} names the node: enough for transaction managers and the
 * lazy proxy, no database needed.
 */
public final class StubDataSource implements DataSource {

	private final String node;

	private final List<String> checkouts;

	public StubDataSource(String node, List<String> checkouts) {
		this.node = node;
		this.checkouts = checkouts;
	}

	public static List<String> newLog() {
		return new CopyOnWriteArrayList<>();
	}

	@Override
	public Connection getConnection() {
		this.checkouts.add(this.node);
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> switch (method.getName()) {
					case "getAutoCommit" -> true;
					// Stands in for "SELECT @@server_id": which node this connection is on.
					case "getCatalog" -> this.node;
					case "isReadOnly", "isClosed", "isWrapperFor" -> false;
					case "getTransactionIsolation" -> Connection.TRANSACTION_REPEATABLE_READ;
					case "toString" -> "stub connection to " + this.node;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> null;
				});
	}

	@Override
	public Connection getConnection(String username, String password) {
		return getConnection();
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

}
