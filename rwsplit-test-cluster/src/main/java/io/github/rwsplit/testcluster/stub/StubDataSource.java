package io.github.rwsplit.testcluster.stub;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * A DataSource with no database behind it, standing for one named node. Every checkout returns
 * the same inert connection, whose {@code getCatalog()} and {@code getSchema()} return the node's
 * name — a stand-in for {@code SELECT @@server_id} — and which answers what pools and transaction
 * managers ask with the defaults of a fresh MySQL connection. Its statements run nothing: queries
 * return no rows, updates count none. Optionally records each checkout.
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
		StubJdbc jdbc = new StubJdbc(node);
		this.connection = proxy(Connection.class, jdbc);
		jdbc.connection = this.connection;
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

	private static <T> T proxy(Class<T> type, InvocationHandler handler) {
		return type.cast(Proxy.newProxyInstance(StubDataSource.class.getClassLoader(), new Class<?>[] { type }, handler));
	}

	/**
	 * One node's JDBC objects: a connection, its statements, their empty results and the
	 * metadata, each answering by name where it matters and by return type otherwise.
	 */
	private static final class StubJdbc implements InvocationHandler {

		private final String node;

		private Connection connection;

		StubJdbc(String node) {
			this.node = node;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) {
			switch (method.getName()) {
				case "hashCode":
					return System.identityHashCode(proxy);
				case "equals":
					return proxy == args[0];
				case "toString":
					return "stub " + method.getDeclaringClass().getSimpleName() + " of " + this.node;
				case "getAutoCommit", "isValid":
					return true;
				case "getTransactionIsolation":
					return Connection.TRANSACTION_REPEATABLE_READ;
				case "getCatalog", "getSchema":
					return this.node;
				case "getConnection":
					return this.connection;
				case "getUpdateCount":
					return -1;
				case "getDatabaseProductName":
					return "MySQL";
				case "getDatabaseProductVersion":
					return "8.4.0";
				case "getDatabaseMajorVersion", "getJDBCMajorVersion":
					return (method.getName().startsWith("getJDBC")) ? 4 : 8;
				case "getURL":
					return "jdbc:mysql://stub/" + this.node;
				default:
					return byType(method.getReturnType());
			}
		}

		private Object byType(Class<?> type) {
			if (type == boolean.class) {
				return false;
			}
			if (type == int.class) {
				return 0;
			}
			if (type == long.class) {
				return 0L;
			}
			if (type == int[].class) {
				return new int[0];
			}
			if (type == long[].class) {
				return new long[0];
			}
			if (type == Statement.class || type == PreparedStatement.class || type == CallableStatement.class
					|| type == ResultSet.class || type == ResultSetMetaData.class || type == DatabaseMetaData.class) {
				return proxy(type, this);
			}
			return null;
		}

	}

}
