package io.github.rwsplit.benchmarks;

import java.util.function.Function;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One way of splitting reads from writes, as an application uses it: work in a read-only
 * transaction, and work in a read-write transaction, through Spring's {@code JdbcTemplate} and
 * transaction management, each marked the way the contender's own documentation says reads are
 * marked.
 */
abstract class Contender implements AutoCloseable {

	private final String name;

	Contender(String name) {
		this.name = name;
	}

	String name() {
		return this.name;
	}

	/**
	 * Runs work in a read-only transaction.
	 * @param <T> the result type
	 * @param work the work
	 * @return its result
	 */
	abstract <T> T read(Function<JdbcTemplate, T> work);

	/**
	 * Runs work in a read-write transaction.
	 * @param <T> the result type
	 * @param work the work
	 * @return its result
	 */
	abstract <T> T write(Function<JdbcTemplate, T> work);

	/**
	 * @return where the contender's connections went since the last call, by node and reason, for
	 * the contenders that count them; otherwise {@code null}
	 */
	String routesSinceLastAsked() {
		return null;
	}

	@Override
	public void close() throws Exception {
	}

	@Override
	public String toString() {
		return this.name;
	}

	/**
	 * A contender that is one DataSource under one transaction manager: read-only transactions are
	 * {@code @Transactional(readOnly = true)}'s programmatic twin, which the DataSource routes.
	 */
	static class TransactionRouted extends Contender {

		private final JdbcTemplate jdbc;

		private final TransactionTemplate readOnly;

		private final TransactionTemplate readWrite;

		private final AutoCloseable resources;

		TransactionRouted(String name, DataSource dataSource, PlatformTransactionManager transactions,
				AutoCloseable resources) {
			super(name);
			this.jdbc = new JdbcTemplate(dataSource);
			this.readOnly = new TransactionTemplate(transactions);
			this.readOnly.setReadOnly(true);
			this.readWrite = new TransactionTemplate(transactions);
			this.resources = resources;
		}

		TransactionRouted(String name, DataSource dataSource, AutoCloseable resources) {
			this(name, dataSource, new DataSourceTransactionManager(dataSource), resources);
		}

		@Override
		<T> T read(Function<JdbcTemplate, T> work) {
			return this.readOnly.execute((status) -> work.apply(this.jdbc));
		}

		@Override
		<T> T write(Function<JdbcTemplate, T> work) {
			return this.readWrite.execute((status) -> work.apply(this.jdbc));
		}

		@Override
		public void close() throws Exception {
			this.resources.close();
		}

	}

}
