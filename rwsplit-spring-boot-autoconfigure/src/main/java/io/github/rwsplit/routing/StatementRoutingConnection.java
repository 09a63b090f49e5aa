package io.github.rwsplit.routing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.statement.SqlClassifier;
import io.github.rwsplit.statement.SqlLiterals;
import io.github.rwsplit.statement.StatementClass;

/**
 * A connection handed out outside any transaction when autocommit reads go to replicas: each
 * statement is classified when it is prepared or executed, and runs on a replica connection (a
 * read) or a primary connection (anything else), each checked out from the router on first need
 * and kept until this connection closes. Every autocommit statement is its own transaction, so
 * moving from one node to the other between statements changes no result, with three exceptions,
 * which keep the statements on the primary instead:
 * <ul>
 * <li>a statement that changes the session ({@code SET}, a temporary table, a named lock,
 * {@code USE}, ...), and switching auto-commit off, pin this connection to the primary for the
 * rest of its life, so that everything after it sees that state;</li>
 * <li>after this connection wrote, its reads go to the primary too: the write is there, and the
 * replica connection it already holds may not have it (a new connection honours the session's
 * consistency mode);</li>
 * <li>a batch goes to the primary as a whole.</li>
 * </ul>
 * Prepared and callable statements are the nodes' own; plain statements are {@link DeferredStatement}s
 * that pick their node when they are executed.
 *
 * <p>A plain read statement that fails on the replica connection with a connection-class error
 * runs once more ({@link #replicaFailed}): the broken connection goes back to its pool and a new
 * one is checked out with that replica excluded (another replica, or the fallback policy). A
 * prepared statement is the node's own and is not run again.
 */
final class StatementRoutingConnection implements InvocationHandler {

	private static final Log logger = LogFactory.getLog(StatementRoutingConnection.class);

	private final ReadWriteRoutingDataSource router;

	private final SqlClassifier classifier;

	final Connection proxy;

	private Connection replica;

	/** What the replica checkout got; the replica to avoid after a retry. */
	private ReadAttempt replicaReads;

	private Connection primary;

	/** The node connection used last: warnings and schema come from it. */
	private Connection last;

	/** Everything on the primary from now on: session state changed, or auto-commit is off. */
	private boolean pinned;

	/** This connection wrote: its reads go to the primary. */
	private boolean wrote;

	private boolean autoCommit = true;

	private boolean readOnly;

	private Integer isolation;

	private boolean closed;

	private StatementRoutingConnection(ReadWriteRoutingDataSource router, SqlClassifier classifier) {
		this.router = router;
		this.classifier = classifier;
		this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, this);
	}

	static Connection open(ReadWriteRoutingDataSource router, SqlClassifier classifier) {
		return new StatementRoutingConnection(router, classifier).proxy;
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		switch (method.getName()) {
			case "prepareStatement", "prepareCall":
				return call(method, forPrepared((String) args[0], method.getName().equals("prepareCall")), args);
			case "createStatement":
				return DeferredStatement.create(this, method, args);
			case "setAutoCommit":
				this.autoCommit = (Boolean) args[0];
				if (!this.autoCommit) {
					// A transaction: on the primary, with everything after it.
					this.pinned = true;
				}
				if (this.pinned || this.primary != null) {
					primary(RouteReason.SESSION_STATE).setAutoCommit(this.autoCommit);
				}
				return null;
			case "getAutoCommit":
				return this.autoCommit;
			case "commit", "rollback":
				if (this.primary != null) {
					return call(method, this.primary, args);
				}
				if (this.autoCommit) {
					return null;
				}
				return call(method, primary(RouteReason.SESSION_STATE), args);
			case "setReadOnly":
				this.readOnly = (Boolean) args[0];
				if (this.primary != null) {
					this.primary.setReadOnly(this.readOnly);
				}
				return null;
			case "isReadOnly":
				return this.readOnly;
			case "setTransactionIsolation":
				this.isolation = (Integer) args[0];
				for (Connection node : nodes()) {
					node.setTransactionIsolation(this.isolation);
				}
				return null;
			case "getTransactionIsolation":
				return (this.isolation != null) ? this.isolation : call(method, any(), args);
			case "setCatalog", "setSchema":
				pin("changes the default schema (" + method.getName() + ")");
				return call(method, primary(RouteReason.SESSION_STATE), args);
			case "getCatalog", "getSchema", "getWarnings", "clearWarnings", "getMetaData", "nativeSQL",
					"createClob", "createBlob", "createNClob", "createSQLXML", "createArrayOf", "createStruct",
					"getNetworkTimeout", "getHoldability", "getTypeMap", "getClientInfo":
				return call(method, any(), args);
			case "isValid":
				return !this.closed && (this.last == null || this.last.isValid((Integer) args[0]));
			case "close":
				close(false);
				return null;
			case "abort":
				close(true);
				return null;
			case "isClosed":
				return this.closed;
			case "unwrap":
				return ((Class<?>) args[0]).isInstance(proxy) ? proxy : call(method, any(), args);
			case "isWrapperFor":
				return ((Class<?>) args[0]).isInstance(proxy) || (Boolean) call(method, any(), args);
			case "equals":
				return proxy == args[0];
			case "hashCode":
				return System.identityHashCode(proxy);
			case "toString":
				return "rwsplit statement-routed connection (replica " + (this.replica != null) + ", primary "
						+ (this.primary != null) + (this.pinned ? ", pinned to the primary" : "") + ")";
			default:
				// Savepoints, holdability, client info, network timeout, type map: the primary's.
				return call(method, primary(RouteReason.SESSION_STATE), args);
		}
	}

	private Connection forPrepared(String sql, boolean call) throws SQLException {
		if (call) {
			this.wrote = true;
			return primary(RouteReason.STATEMENT_WRITE);
		}
		return forStatement(this.classifier.classifyPrepared(sql), sql);
	}

	/** The node connection for a plain statement's SQL. */
	Connection forSql(String sql) throws SQLException {
		return forStatement(this.classifier.classify(sql), sql);
	}

	/** The node connection for a batch: the primary. */
	Connection forBatch() throws SQLException {
		ensureOpen();
		this.wrote = true;
		recordWrite();
		return primary(RouteReason.STATEMENT_WRITE);
	}

	private Connection forStatement(SqlClassifier.Decision decision, String sql) throws SQLException {
		ensureOpen();
		if (logger.isDebugEnabled()) {
			logger.debug("rwsplit: " + decision.statementClass() + " (" + decision.reason() + ")"
					+ (this.pinned ? ", connection pinned to the primary" : "") + ": " + abbreviate(sql));
		}
		StatementClass statementClass = decision.statementClass();
		if (statementClass == StatementClass.SESSION_STATE) {
			pin(decision.reason());
		}
		if (this.pinned) {
			recordWrite();
			return primary(RouteReason.SESSION_STATE);
		}
		if (statementClass == StatementClass.READ) {
			return this.wrote ? primary(RouteReason.STATEMENT_WRITE) : replica();
		}
		this.wrote = true;
		recordWrite();
		return primary(RouteReason.STATEMENT_WRITE);
	}

	private void pin(String why) {
		if (!this.pinned && logger.isDebugEnabled()) {
			logger.debug("rwsplit: connection pinned to the primary: the statement " + why);
		}
		this.pinned = true;
		this.wrote = true;
	}

	/** Pin mode learns of writes by their time; a GTID mode from the commit itself. */
	private void recordWrite() {
		if (this.router.view().consistency().mode() == ConsistencyMode.PIN) {
			ConsistencyContext.recordWrite();
		}
	}

	private Connection replica() throws SQLException {
		if (this.replica == null) {
			this.replicaReads = ReadAttempt.forStatements();
			this.replica = prepare(this.router.connect(Route.REPLICA, RouteReason.STATEMENT_READ, this.replicaReads));
		}
		this.last = this.replica;
		return this.replica;
	}

	private Connection primary(RouteReason reason) throws SQLException {
		ensureOpen();
		if (this.primary == null) {
			// Held from here on, so that close() releases it even when a setting below fails.
			this.primary = prepare(this.router.connect(Route.PRIMARY, reason));
			if (!this.autoCommit) {
				this.primary.setAutoCommit(false);
			}
			if (this.readOnly) {
				this.primary.setReadOnly(true);
			}
		}
		this.last = this.primary;
		return this.primary;
	}

	/**
	 * Applies this connection's settings to a node connection just checked out. Until it returns,
	 * nothing else holds the node connection, so it closes it when a setting fails: otherwise the
	 * pool would never get it back.
	 */
	private Connection prepare(Connection node) throws SQLException {
		try {
			if (this.isolation != null) {
				node.setTransactionIsolation(this.isolation);
			}
			return node;
		}
		catch (SQLException | RuntimeException ex) {
			try {
				node.close();
			}
			catch (SQLException closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
	}

	/**
	 * A statement failed on {@code failedOn}. When that is the replica connection, the failure is
	 * connection-class and read retries are on, the broken connection goes back to its pool and a
	 * new one is checked out without that replica, for the statement to run once more.
	 * @param failedOn the node connection the statement ran on
	 * @param failure what it threw
	 * @return the connection to run the statement on once more, or {@code null} when it must not
	 */
	Connection replicaFailed(Connection failedOn, Throwable failure) {
		ReadAttempt reads = this.replicaReads;
		String node = (reads != null) ? reads.lastReplica() : null;
		if (failedOn != this.replica || node == null || !this.router.settings().retryReads()
				|| !ConnectionFailures.isConnectionFailure(failure)) {
			return null;
		}
		Connection broken = this.replica;
		this.replica = null;
		this.last = null;
		try {
			broken.close();
		}
		catch (SQLException ex) {
			// Broken already; the pool discards it.
		}
		this.replicaReads = ReadAttempt.forStatementRetry(this.router, node);
		if (logger.isDebugEnabled()) {
			logger.debug("rwsplit: a read failed on replica '" + node + "' (" + failure
					+ "); running the statement once more without that replica");
		}
		try {
			this.replica = prepare(this.router.connect(Route.REPLICA, RouteReason.STATEMENT_READ, this.replicaReads));
		}
		catch (SQLException ex) {
			this.replicaReads.retried(false);
			failure.addSuppressed(ex);
			return null;
		}
		this.last = this.replica;
		return this.replica;
	}

	/** @param succeeded whether the statement run once more by {@link #replicaFailed} succeeded */
	void statementRetried(boolean succeeded) {
		if (this.replicaReads != null) {
			this.replicaReads.retried(succeeded);
		}
	}

	/** For questions to a statement before it ran: the node connection used last, or the primary's. */
	Connection anyNode() throws SQLException {
		ensureOpen();
		return any();
	}

	/** The connection used last, or the primary's. */
	private Connection any() throws SQLException {
		return (this.last != null) ? this.last : primary(RouteReason.STATEMENT_WRITE);
	}

	private Connection[] nodes() {
		if (this.replica != null && this.primary != null) {
			return new Connection[] { this.replica, this.primary };
		}
		if (this.replica != null) {
			return new Connection[] { this.replica };
		}
		return (this.primary != null) ? new Connection[] { this.primary } : new Connection[0];
	}

	private void ensureOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("rwsplit: the connection is closed", "08003");
		}
	}

	private void close(boolean abort) throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		SQLException failure = null;
		for (Connection node : nodes()) {
			try {
				if (abort) {
					node.abort(Runnable::run);
				}
				else {
					node.close();
				}
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
		this.replica = null;
		this.primary = null;
		this.last = null;
		if (failure != null) {
			throw failure;
		}
	}

	static Object call(Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/** The statement for a log line: literals masked (they may be secrets), whitespace folded, cut short. */
	private static String abbreviate(String sql) {
		String line = SqlLiterals.mask(sql).replaceAll("\\s+", " ").trim();
		return (line.length() > 120) ? line.substring(0, 120) + "..." : line;
	}

}
