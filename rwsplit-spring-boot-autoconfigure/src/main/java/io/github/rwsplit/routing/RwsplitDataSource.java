package io.github.rwsplit.routing;

import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The application's {@code DataSource}: Spring's {@link LazyConnectionDataSourceProxy} in front
 * of a {@link ReadWriteRoutingDataSource}.
 *
 * <p>The lazy proxy is what makes routing on the read-only flag work at all: a transaction
 * manager takes its connection in {@code doBegin}, before it publishes the transaction's
 * read-only flag, so a router asked at that moment would always see a read-write transaction. The
 * proxy hands out a placeholder and fetches the real connection from the router at the first
 * statement, when the flag and any {@code @ReadReplica} or {@code @Primary} are known. Anything
 * that touches the connection earlier (for example a wrapper that calls {@code getMetaData()} on
 * checkout) forces an early, read-write decision.
 *
 * <p>The proxy's connection defaults (auto-commit on, and the isolation level the pools use) are
 * declared, not learned: Spring's proxy would otherwise check out a real connection to learn them,
 * from whichever node that first checkout routes to, and could not begin any transaction while
 * that node is down.
 *
 * <p>Closing it closes every node's pool.
 */
public class RwsplitDataSource extends LazyConnectionDataSourceProxy implements AutoCloseable {

	private final ReadWriteRoutingDataSource router;

	private final AutoCloseable pools;

	/**
	 * Creates the application's DataSource.
	 * @param router the router behind the lazy proxy
	 * @param pools closes the node pools when this DataSource is closed
	 */
	public RwsplitDataSource(ReadWriteRoutingDataSource router, AutoCloseable pools) {
		this(router, pools, java.sql.Connection.TRANSACTION_REPEATABLE_READ);
	}

	/**
	 * Creates the application's DataSource.
	 * @param router the router behind the lazy proxy
	 * @param pools closes the node pools when this DataSource is closed
	 * @param defaultIsolation the isolation level every node's connections start with (a
	 * {@link java.sql.Connection} constant); MySQL's default is repeatable read
	 */
	public RwsplitDataSource(ReadWriteRoutingDataSource router, AutoCloseable pools, int defaultIsolation) {
		setTargetDataSource(router);
		setDefaultAutoCommit(true);
		setDefaultTransactionIsolation(defaultIsolation);
		afterPropertiesSet();
		this.router = router;
		this.pools = pools;
	}

	/** @return the router behind the lazy proxy */
	public ReadWriteRoutingDataSource getRouter() {
		return this.router;
	}

	@Override
	public void close() throws Exception {
		this.router.close();
		this.pools.close();
	}

}
