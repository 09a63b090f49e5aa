package io.github.rwsplit.test;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.ReadReplica;

/**
 * An application's service, as the tests of this module's annotations use it.
 */
@Service
class Posts {

	private final JdbcTemplate jdbc;

	Posts(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Transactional
	void publish(String id, String title) {
		this.jdbc.update("INSERT INTO test_support_posts (id, title) VALUES (?, ?)", id, title);
	}

	@Transactional(readOnly = true)
	List<String> titles() {
		return this.jdbc.queryForList("SELECT title FROM test_support_posts ORDER BY id", String.class);
	}

	@ReadReplica("reporting")
	List<String> report() {
		return this.jdbc.queryForList("SELECT title FROM test_support_posts ORDER BY id", String.class);
	}

	@Primary
	@Transactional(readOnly = true)
	List<String> freshTitles() {
		return this.jdbc.queryForList("SELECT title FROM test_support_posts ORDER BY id", String.class);
	}

	/** The server that answers a read-only transaction, by {@code @@server_id}. */
	@Transactional(readOnly = true)
	long readOnlyServerId() {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	@ReadReplica("reporting")
	long reportingServerId() {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

}
