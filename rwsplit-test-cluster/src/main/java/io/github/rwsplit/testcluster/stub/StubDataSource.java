package io.github.rwsplit.testcluster.stub;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * A DataSource with no database behind it, standing for one named node. Every checkout returns
 * the same inert connection, whose {@code getCatalog()} and {@code getSchema()} return the node's
 * name — a stand-in for {@code SELECT @@server_id} — and which answers what pools and transaction
 * managers ask with the defaults of a fresh MySQL connection. Optionally records each checkout.
 */
public final class StubDataSource implements DataSource {

	private final String node;

	private final @Nullable List<String> checkouts;

	private final Connection connection;

	/**
	 * A stub that records nothing.
	 * @param node the node's name
	 */
	public StubDataSource(String node) {
		this(node, null);
	}

	/**
	 * A stub that appends the node's name to a list at every checkout.
	 * @param node the node's name
	 * @param checkouts where to record checkouts (thread-safe if used concurrently), or {@code null}
	 */
	public StubDataSource(String node, @Nullable List<String> checkouts) {
		this.node = node;
		this.checkouts = checkouts;
		this.connection = (Connection) Proxy.newProxyInstance(StubDataSource.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getAutoCommit", "isValid" -> true;
					case "isReadOnly", "isClosed", "isWrapperFor" -> false;
					case "getTransactionIsolation" -> Connection.TRANSACTION_REPEATABLE_READ;
					case "getNetworkTimeout" -> 0;
					case "getCatalog", "getSchema" -> node;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					case "toString" -> "stub connection to " + node;
					default -> null;
				});
	}

	/** @return the node this stub stands for */
	public String node() {
		return this.node;
	}

	@Override
	public Connection getConnection() {
		if (this.checkouts != null) {
			this.checkouts.add(this.node);
		}
		return this.connection;
	}

	@Override
	public Connection getConnection(String username, String password) {
		return getConnection();
	}

	@Override
	public @Nullable PrintWriter getLogWriter() {
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
	public <T> @Nullable T unwrap(Class<T> iface) {
		return null;
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return false;
	}

}
