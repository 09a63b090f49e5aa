package io.github.rwsplit.gtid;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A stand-in node that answers rwsplit's GTID statements without a server: a wait returns after
 * {@code answerAfterMillis} (or at its own timeout, whichever is first) saying whether the node
 * has the set. Records what rwsplit asked of it: statements, network timeouts, the threads that
 * waited, and how many connections are out.
 */
public final class FakeGtidNode implements DataSource {

	private final String name;

	private volatile boolean applied;

	private volatile long answerAfterMillis;

	/** Every statement prepared, in order. */
	public final List<String> statements = new CopyOnWriteArrayList<>();

	/** Every network timeout set, in order. */
	public final List<Integer> networkTimeouts = new CopyOnWriteArrayList<>();

	/** The threads that ran a statement. */
	public final List<String> threads = new CopyOnWriteArrayList<>();

	private final AtomicInteger checkedOut = new AtomicInteger();

	private final AtomicInteger mostCheckedOut = new AtomicInteger();

	/**
	 * @param name the node's name
	 * @param applied whether it has every set it is asked about
	 * @param answerAfterMillis how long it takes to answer a wait
	 */
	public FakeGtidNode(String name, boolean applied, long answerAfterMillis) {
		this.name = name;
		this.applied = applied;
		this.answerAfterMillis = answerAfterMillis;
	}

	/** @return connections handed out and not closed */
	public int checkedOut() {
		return this.checkedOut.get();
	}

	/** @return the most connections out at once */
	public int mostCheckedOut() {
		return this.mostCheckedOut.get();
	}

	@Override
	public Connection getConnection() {
		int out = this.checkedOut.incrementAndGet();
		this.mostCheckedOut.accumulateAndGet(out, Math::max);
		int[] networkTimeout = { 0 };
		boolean[] closed = { false };
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> switch (method.getName()) {
					case "prepareStatement" -> {
						this.statements.add((String) args[0]);
						yield statement((String) args[0]);
					}
					case "getNetworkTimeout" -> networkTimeout[0];
					case "setNetworkTimeout" -> {
						if (args[0] == null) {
							throw new SQLException("Connector/J requires an executor", "S1009");
						}
						networkTimeout[0] = (Integer) args[1];
						this.networkTimeouts.add(networkTimeout[0]);
						yield null;
					}
					case "isClosed" -> closed[0];
					case "close" -> {
						if (!closed[0]) {
							closed[0] = true;
							this.checkedOut.decrementAndGet();
						}
						yield null;
					}
					case "getCatalog" -> this.name;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					case "toString" -> "fake connection to " + this.name;
					default -> null;
				});
	}

	private PreparedStatement statement(String sql) {
		long[] waitMillis = { 0 };
		return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { PreparedStatement.class }, (proxy, method, args) -> switch (method.getName()) {
					case "setBigDecimal" -> {
						waitMillis[0] = ((BigDecimal) args[1]).movePointRight(3).longValue();
						yield null;
					}
					case "executeQuery" -> {
						this.threads.add(Thread.currentThread().getName());
						if (sql.contains("WAIT_FOR_EXECUTED_GTID_SET")) {
							long answer = this.applied ? this.answerAfterMillis : waitMillis[0];
							// Stands for the server's own wait (a replica applying, or the timeout running
							// out): the time is what is simulated, nothing is synchronised by it.
							TimeUnit.MILLISECONDS.sleep(Math.min(answer, waitMillis[0]));
							boolean has = this.applied && this.answerAfterMillis <= waitMillis[0];
							yield result(has ? 0 : 1);
						}
						yield result(0);
					}
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> null;
				});
	}

	private ResultSet result(int value) {
		boolean[] read = { false };
		return (ResultSet) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { ResultSet.class },
				(proxy, method, args) -> switch (method.getName()) {
					case "next" -> {
						boolean first = !read[0];
						read[0] = true;
						yield first;
					}
					case "getInt" -> value;
					case "getString" -> "";
					case "wasNull" -> false;
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
	public <T> T unwrap(Class<T> iface) throws SQLException {
		throw new SQLException("not a wrapper");
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return false;
	}

}
