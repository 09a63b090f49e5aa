package io.github.rwsplit.mysql;

import java.util.Properties;
import java.util.function.Supplier;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.PreparedQuery;
import com.mysql.cj.Query;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.jdbc.JdbcStatement;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Message;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.gtid.GtidStatements;

import io.github.rwsplit.routing.ConnectionFailureSignals;
import io.github.rwsplit.routing.InFlightStatements;
import io.github.rwsplit.routing.ResponseTime;

/**
 * Times each statement on a replica connection, from sending it to having read its results, and
 * feeds the replica's {@link ResponseTime}. Installed on replica pools through Connector/J's
 * {@code queryInterceptors}; costs two clock reads per statement and allocates nothing. A
 * statement that fails is not timed: a replica that answers quickly with errors must not look
 * fast.
 *
 * <p>Text statements (client-side prepared statements, Connector/J's default) are timed around
 * the whole result; server-side prepared statements ({@code useServerPrepStmts=true}) until the
 * first reply packet.
 *
 * <p>rwsplit's own statements ({@link GtidStatements}, marked with {@link GtidStatements#MARKER})
 * are not timed: a {@code WAIT_FOR_EXECUTED_GTID_SET} lasts as long as the replica's lag, which
 * would make a replica look slow to answer exactly while reads wait on it. They are told apart by
 * their prepared SQL as written (a field of the statement), without rendering the statement.
 *
 * <p>Also marks a statement in flight, between sending it and reading its results (a volatile
 * write each way), and registers the connection with {@link InFlightStatements} once, so that the
 * monitor can abort the connections waiting on a replica that stopped answering. A statement that
 * fails leaves the mark set; aborting such a connection later only discards a connection of a
 * server already declared unreachable.
 */
public class ResponseTimeInterceptor implements QueryInterceptor, InFlightStatements.Tracked {

	/** {@code COM_STMT_EXECUTE}: runs a server-side prepared statement. */
	private static final byte COM_STMT_EXECUTE = 0x17;

	private ResponseTime responseTime;

	private JdbcConnection connection;

	private String router;

	private String node;

	/** Whether a statement was sent and its results not yet read; read by the monitor's thread. */
	private volatile boolean inFlight;

	/** When the statement in flight started, or 0. One connection runs one statement at a time. */
	private long started;

	/** The statement in flight is rwsplit's own: its execute packet is not timed either. */
	private boolean own;

	@Override
	public QueryInterceptor init(MysqlConnection connection, Properties properties, Log log) {
		String router = properties.getProperty(ConnectionFailureSignals.ROUTER_PROPERTY);
		String node = properties.getProperty(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY);
		if (router != null && node != null) {
			this.responseTime = ResponseTime.of(router, node);
			if (connection instanceof JdbcConnection jdbc) {
				this.connection = jdbc;
				this.router = router;
				this.node = node;
				InFlightStatements.register(router, node, this);
			}
		}
		return this;
	}

	@Override
	public <T extends Resultset> @Nullable T preProcess(Supplier<String> sql, Query interceptedQuery) {
		this.inFlight = true;
		boolean own = isOwn(interceptedQuery);
		this.own = own;
		this.started = own ? 0 : System.nanoTime();
		return null;
	}

	/**
	 * rwsplit sends its statements prepared only, so plain statements are never its own and their
	 * SQL is not looked at: {@code sql.get()} would decode the whole packet into a new string.
	 * Client-side prepared statements arrive as the statement, server-side ones as their query.
	 */
	static boolean isOwn(Query query) {
		Query inner = (query instanceof JdbcStatement statement) ? statement.getQuery() : query;
		return inner instanceof PreparedQuery prepared && GtidStatements.isOwn(prepared.getOriginalSql());
	}

	@Override
	public <T extends Resultset> @Nullable T postProcess(Supplier<String> sql, Query interceptedQuery, T originalResultSet,
			ServerSession serverSession) {
		this.inFlight = false;
		finished();
		return null;
	}

	@Override
	public <M extends Message> @Nullable M preProcess(M queryPacket) {
		byte[] bytes = queryPacket.getByteBuffer();
		if (bytes.length > 0 && bytes[0] == COM_STMT_EXECUTE && !this.own) {
			this.started = System.nanoTime();
		}
		return null;
	}

	@Override
	public <M extends Message> @Nullable M postProcess(M queryPacket, M originalResponsePacket) {
		byte[] bytes = queryPacket.getByteBuffer();
		if (bytes.length > 0 && bytes[0] == COM_STMT_EXECUTE) {
			finished();
		}
		return null;
	}

	private void finished() {
		long start = this.started;
		if (start != 0) {
			this.started = 0;
			ResponseTime target = this.responseTime;
			if (target != null) {
				long now = System.nanoTime();
				target.record(now - start, now);
			}
		}
	}

	@Override
	public boolean executeTopLevelOnly() {
		return true;
	}

	@Override
	public boolean statementInFlight() {
		return this.inFlight;
	}

	@Override
	public void abort() {
		JdbcConnection target = this.connection;
		if (target != null) {
			try {
				// Closes the socket only: no lock, no packet to a server that does not answer.
				target.abortInternal();
			}
			catch (java.sql.SQLException ex) {
				// Closed already.
			}
		}
	}

	@Override
	public boolean closed() {
		JdbcConnection target = this.connection;
		try {
			return target == null || target.isClosed();
		}
		catch (java.sql.SQLException ex) {
			return true;
		}
	}

	@Override
	public void destroy() {
		if (this.connection != null) {
			InFlightStatements.unregister(this.router, this.node, this);
		}
	}

}
