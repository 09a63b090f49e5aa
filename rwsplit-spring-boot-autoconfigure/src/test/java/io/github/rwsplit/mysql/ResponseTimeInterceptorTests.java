package io.github.rwsplit.mysql;

import java.lang.reflect.Proxy;
import java.util.Properties;
import java.util.UUID;

import com.mysql.cj.PreparedQuery;
import com.mysql.cj.Query;
import com.mysql.cj.jdbc.JdbcStatement;
import com.mysql.cj.protocol.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.rwsplit.routing.ConnectionFailureSignals;
import io.github.rwsplit.routing.ResponseTime;
import io.github.rwsplit.routing.ResponseTimeTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a replica's response time is made of: the application's statements, not rwsplit's own
 * waits, which last as long as replication lag and say nothing about how fast the replica answers.
 */
class ResponseTimeInterceptorTests {

	private static final String WAIT = "/* rwsplit */ SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";

	private final String router = UUID.randomUUID().toString();

	private final ResponseTimeInterceptor interceptor = new ResponseTimeInterceptor();

	{
		Properties properties = new Properties();
		properties.setProperty(ConnectionFailureSignals.ROUTER_PROPERTY, this.router);
		properties.setProperty(ReadOnlyRouteExceptionInterceptor.NODE_PROPERTY, "replica-1");
		this.interceptor.init(null, properties, null);
	}

	@AfterEach
	void forget() {
		// Closing the router its id names is what forgets a router's response times.
		ResponseTimeTestSupport.forget(this.router);
	}

	private long average() {
		return ResponseTime.of(this.router, "replica-1").averageNanos(System.nanoTime());
	}

	private void run(String sql, Query query) {
		this.interceptor.preProcess(() -> sql, query);
		this.interceptor.postProcess(() -> sql, query, null, null);
	}

	@Test
	void rwsplitsOwnWaitOnAClientPreparedStatementIsNotTimed() {
		run(WAIT, statement(prepared(WAIT)));
		assertThat(average()).isEqualTo(-1);
	}

	@Test
	void rwsplitsOwnWaitOnAServerPreparedStatementIsNotTimed() {
		Query query = prepared(WAIT);
		this.interceptor.preProcess(() -> WAIT, query);
		// Server-side prepared statements are timed by their COM_STMT_EXECUTE packet.
		Message execute = packet((byte) 0x17);
		this.interceptor.preProcess(execute);
		this.interceptor.postProcess(execute, packet((byte) 0));
		this.interceptor.postProcess(() -> WAIT, query, null, null);
		assertThat(average()).isEqualTo(-1);
	}

	@Test
	void theApplicationsStatementsAreTimed() {
		run("SELECT * FROM t WHERE id = ?", statement(prepared("SELECT * FROM t WHERE id = ?")));
		assertThat(average()).isGreaterThanOrEqualTo(0);
	}

	@Test
	void aStatementAfterAnOwnWaitIsTimedAgain() {
		run(WAIT, prepared(WAIT));
		run("SELECT 1", statement(null));
		assertThat(average()).isGreaterThanOrEqualTo(0);
	}

	/** A prepared query as Connector/J's client- and server-side prepared statements carry. */
	private static PreparedQuery prepared(String sql) {
		return (PreparedQuery) Proxy.newProxyInstance(ResponseTimeInterceptorTests.class.getClassLoader(),
				new Class<?>[] { PreparedQuery.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getOriginalSql" -> sql;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

	/** A statement as Connector/J passes it to interceptors: itself, carrying its query (plain when null). */
	private static JdbcStatement statement(PreparedQuery query) {
		return (JdbcStatement) Proxy.newProxyInstance(ResponseTimeInterceptorTests.class.getClassLoader(),
				new Class<?>[] { JdbcStatement.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getQuery" -> (query != null) ? query : proxy;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

	private static Message packet(byte command) {
		return (Message) Proxy.newProxyInstance(ResponseTimeInterceptorTests.class.getClassLoader(),
				new Class<?>[] { Message.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getByteBuffer" -> new byte[] { command };
					case "getPosition" -> 1;
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

}
