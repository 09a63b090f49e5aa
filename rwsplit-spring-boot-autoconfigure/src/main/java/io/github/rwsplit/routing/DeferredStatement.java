package io.github.rwsplit.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Statement} from a {@link StatementRoutingConnection}: its SQL arrives only when it is
 * executed, so the node is chosen then. It creates the real statement on that node's connection
 * (one per node, reused), replays the settings made before (fetch size, timeouts, ...), and runs
 * the SQL there. Results, update counts and generated keys come from the statement that ran last.
 * Batches run on the primary.
 */
final class DeferredStatement implements InvocationHandler {

	private final StatementRoutingConnection connection;

	private final Method create;

	private final Object[] createArguments;

	/** Setter calls made so far, replayed on each real statement: method, arguments. */
	private final List<Object[]> settings = new ArrayList<>(2);

	private final List<String> batch = new ArrayList<>();

	/** The real statements, one per node connection; a statement-routed connection has at most two. */
	private Statement first;

	private Connection firstNode;

	private Statement second;

	private Connection secondNode;

	private Statement current;

	private boolean closed;

	private DeferredStatement(StatementRoutingConnection connection, Method create, Object[] createArguments) {
		this.connection = connection;
		this.create = create;
		this.createArguments = createArguments;
	}

	static Statement create(StatementRoutingConnection connection, Method create, Object[] arguments) {
		return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] { Statement.class },
				new DeferredStatement(connection, create, arguments));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		String name = method.getName();
		switch (name) {
			case "execute", "executeQuery", "executeUpdate", "executeLargeUpdate":
				ensureOpen();
				return execute(method, args);
			case "addBatch":
				ensureOpen();
				this.batch.add((String) args[0]);
				return null;
			case "clearBatch":
				this.batch.clear();
				return null;
			case "executeBatch", "executeLargeBatch":
				ensureOpen();
				return executeBatch(method, args);
			case "getConnection":
				return this.connection.proxy;
			case "close":
				close();
				return null;
			case "isClosed":
				return this.closed;
			case "cancel":
				if (this.current != null) {
					this.current.cancel();
				}
				return null;
			case "equals":
				return proxy == args[0];
			case "hashCode":
				return System.identityHashCode(proxy);
			case "toString":
				return "rwsplit deferred statement" + ((this.current != null) ? " (" + this.current + ")" : "");
			case "unwrap":
				return ((Class<?>) args[0]).isInstance(proxy) ? proxy
						: StatementRoutingConnection.call(method, target(), args);
			case "isWrapperFor":
				return ((Class<?>) args[0]).isInstance(proxy) || (Boolean) StatementRoutingConnection.call(method, target(), args);
			case "getWarnings":
				return (this.current != null) ? this.current.getWarnings() : null;
			default:
				if (name.startsWith("set") || name.equals("closeOnCompletion")) {
					// A setting: remembered for statements created later, applied to those that exist.
					this.settings.add(new Object[] { method, args });
					for (Statement statement : statements()) {
						StatementRoutingConnection.call(method, statement, args);
					}
					return null;
				}
				// Results of the last execution, or a question about the statement: the last one's.
				return StatementRoutingConnection.call(method, target(), args);
		}
	}

	/**
	 * Runs the SQL on the node its class asks for; a read that fails on the replica connection with
	 * a connection-class error runs once more on the connection {@link StatementRoutingConnection}
	 * checks out instead.
	 */
	private Object execute(Method method, Object[] args) throws Throwable {
		Connection node = this.connection.forSql((String) args[0]);
		this.current = on(node);
		try {
			return StatementRoutingConnection.call(method, this.current, args);
		}
		catch (Throwable ex) {
			Connection other = this.connection.replicaFailed(node, ex);
			if (other == null) {
				throw ex;
			}
			forget(node);
			this.current = on(other);
			boolean succeeded = false;
			try {
				Object result = StatementRoutingConnection.call(method, this.current, args);
				succeeded = true;
				return result;
			}
			catch (Throwable again) {
				again.addSuppressed(ex);
				throw again;
			}
			finally {
				this.connection.statementRetried(succeeded);
			}
		}
	}

	/** Drops the statement on a node connection that broke: a new one replaces it. */
	private void forget(Connection node) {
		Statement statement = null;
		if (node == this.firstNode) {
			statement = this.first;
			this.first = null;
			this.firstNode = null;
		}
		else if (node == this.secondNode) {
			statement = this.second;
			this.second = null;
			this.secondNode = null;
		}
		if (statement != null) {
			try {
				statement.close();
			}
			catch (SQLException ex) {
				// Its connection is broken; nothing to release.
			}
		}
	}

	private Object executeBatch(Method method, Object[] args) throws Throwable {
		Statement statement = on(this.connection.forBatch());
		statement.clearBatch();
		for (String sql : this.batch) {
			statement.addBatch(sql);
		}
		this.batch.clear();
		this.current = statement;
		return StatementRoutingConnection.call(method, statement, args);
	}

	/** The statement on a node's connection, created (with the settings so far) on first use. */
	private Statement on(Connection node) throws Throwable {
		if (node == this.firstNode) {
			return this.first;
		}
		if (node == this.secondNode) {
			return this.second;
		}
		Statement statement = (Statement) StatementRoutingConnection.call(this.create, node, this.createArguments);
		try {
			for (Object[] setting : this.settings) {
				StatementRoutingConnection.call((Method) setting[0], statement, (Object[]) setting[1]);
			}
		}
		catch (Throwable ex) {
			// Not kept yet, so this proxy's close() would not reach it.
			try {
				statement.close();
			}
			catch (SQLException closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
		if (this.firstNode == null) {
			// The first free slot: a slot is freed when its node connection broke.
			this.firstNode = node;
			this.first = statement;
		}
		else {
			this.secondNode = node;
			this.second = statement;
		}
		return statement;
	}

	/** The statement that ran last, or a new one on the node the connection used last. */
	private Statement target() throws Throwable {
		if (this.current == null) {
			this.current = on(this.connection.anyNode());
		}
		return this.current;
	}

	private List<Statement> statements() {
		List<Statement> statements = new ArrayList<>(2);
		if (this.first != null) {
			statements.add(this.first);
		}
		if (this.second != null) {
			statements.add(this.second);
		}
		return statements;
	}

	private void ensureOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("rwsplit: the statement is closed", "HY010");
		}
	}

	private void close() throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		SQLException failure = null;
		for (Statement statement : statements()) {
			try {
				statement.close();
			}
			catch (SQLException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		this.first = null;
		this.second = null;
		this.current = null;
		if (failure != null) {
			throw failure;
		}
	}

}
