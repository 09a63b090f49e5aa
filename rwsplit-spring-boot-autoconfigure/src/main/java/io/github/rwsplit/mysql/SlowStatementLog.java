package io.github.rwsplit.mysql;

import com.mysql.cj.Query;
import com.mysql.cj.Session;
import com.mysql.cj.conf.HostInfo;
import com.mysql.cj.log.Log;
import com.mysql.cj.log.ProfilerEvent;
import com.mysql.cj.log.ProfilerEventHandler;
import com.mysql.cj.protocol.Resultset;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.statement.SqlLiterals;

/**
 * Connector/J profiler event handler that logs its slow-statement events at WARN, naming the
 * rwsplit node that ran the statement. Installed on every pool when
 * {@code rwsplit.slow-statement-threshold} is set; Connector/J only raises an event for a statement
 * over the threshold, so fast statements never reach this class. Literals in the statement are
 * masked ({@link SqlLiterals}), as in every rwsplit log line that shows SQL.
 */
public class SlowStatementLog implements ProfilerEventHandler {

	private static final org.apache.commons.logging.Log logger = LogFactory.getLog(SlowStatementLog.class);

	/** How Connector/J's message for a statement over slowQueryThresholdMillis begins. */
	private static final String SLOW_QUERY_PREFIX = "Slow query";

	/** What ends the timing in that message: "Slow query (exceeded 50 ms, duration: 230 ms): SELECT ...". */
	private static final String STATEMENT_SEPARATOR = "): ";

	@Override
	public void init(Log log) {
	}

	@Override
	public void destroy() {
	}

	@Override
	public void consumeEvent(ProfilerEvent event) {
		if (event.getEventType() == ProfilerEvent.TYPE_SLOW_QUERY && event.getMessage() != null
				&& event.getMessage().startsWith(SLOW_QUERY_PREFIX) && logger.isWarnEnabled()) {
			logger.warn("rwsplit: slow statement on " + event.getHostName() + ": " + masked(event.getMessage()));
		}
	}

	@Override
	public void processEvent(byte eventType, Session session, Query query, Resultset resultSet, long eventDuration,
			Throwable eventCreationPoint, @Nullable String message) {
		// Connector/J also raises this event type for "no index used" and server-flagged statements;
		// only its own timing against the threshold is reported, once per statement.
		if (eventType == ProfilerEvent.TYPE_SLOW_QUERY && message != null && message.startsWith(SLOW_QUERY_PREFIX)
				&& logger.isWarnEnabled()) {
			logger.warn("rwsplit: slow statement on " + node(session) + ": " + masked(message));
		}
	}

	/**
	 * Connector/J's message with the statement's literals masked: the driver inlines a prepared
	 * statement's bind values into the text it reports. The timing before the statement stays.
	 */
	private static String masked(String message) {
		int statement = message.indexOf(STATEMENT_SEPARATOR);
		if (statement < 0) {
			return SqlLiterals.mask(message);
		}
		int from = statement + STATEMENT_SEPARATOR.length();
		return message.substring(0, from) + SqlLiterals.mask(message.substring(from));
	}

	private static String node(Session session) {
		HostInfo host = (session != null) ? session.getHostInfo() : null;
		if (host == null) {
			return "an unknown node";
		}
		// Host and port only: HostInfo's toString would include the password.
		String name = host.getProperty(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY);
		String address = host.getHost() + ":" + host.getPort();
		return (name != null) ? name + " (" + address + ")" : address;
	}

}
