package io.github.rwsplit.mysql;

import java.util.Properties;
import java.util.function.Supplier;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.PreparedQuery;
import com.mysql.cj.Query;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.jdbc.JdbcStatement;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Message;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;

import io.github.rwsplit.gtid.GtidStatements;

import io.github.rwsplit.routing.ConnectionFailureSignals;
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
 */
public class ResponseTimeInterceptor implements QueryInterceptor {

	/** {@code COM_STMT_EXECUTE}: runs a server-side prepared statement. */
	private static final byte COM_STMT_EXECUTE = 0x17;

	private ResponseTime responseTime;

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
		}
		return this;
	}

	@Override
	public <T extends Resultset> T preProcess(Supplier<String> sql, Query interceptedQuery) {
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
	public <T extends Resultset> T postProcess(Supplier<String> sql, Query interceptedQuery, T originalResultSet,
			ServerSession serverSession) {
		finished();
		return null;
	}

	@Override
	public <M extends Message> M preProcess(M queryPacket) {
		byte[] bytes = queryPacket.getByteBuffer();
		if (bytes.length > 0 && bytes[0] == COM_STMT_EXECUTE && !this.own) {
			this.started = System.nanoTime();
		}
		return null;
	}

	@Override
	public <M extends Message> M postProcess(M queryPacket, M originalResponsePacket) {
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
	public void destroy() {
	}

}
