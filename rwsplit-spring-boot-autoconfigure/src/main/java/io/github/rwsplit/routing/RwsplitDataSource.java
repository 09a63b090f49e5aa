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
		super(router);
		this.router = router;
		this.pools = pools;
	}

	/** @return the router behind the lazy proxy */
	public ReadWriteRoutingDataSource getRouter() {
		return this.router;
	}

	@Override
	public void close() throws Exception {
		this.pools.close();
	}

}
