package io.github.rwsplit.statement;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Literals never reach a log line; the statement's shape does.
 */
class SqlLiteralsTests {

	@Test
	void masksStringAndNumberLiterals() {
		assertThat(SqlLiterals.mask("SELECT * FROM card WHERE number = '4111 1111' AND cvv = 123 LIMIT 10"))
			.isEqualTo("SELECT * FROM card WHERE number = ? AND cvv = ? LIMIT ?");
	}

	@Test
	void aDecimalIsOneLiteral() {
		assertThat(SqlLiterals.mask("SELECT SLEEP(0.25), t.c FROM t WHERE x > 1.5e3")).isEqualTo("SELECT SLEEP(?), t.c FROM t WHERE x > ?");
	}

	@Test
	void escapedAndDoubledQuotesDoNotUnmaskTheRest() {
		assertThat(SqlLiterals.mask("UPDATE u SET pw = 'it\\'s', note = 'a''b', name = \"x\" WHERE id = 7"))
			.isEqualTo("UPDATE u SET pw = ?, note = ?, name = ? WHERE id = ?");
	}

	@Test
	void keepsIdentifiersVariablesAndComments() {
		assertThat(SqlLiterals.mask("SELECT `col1`, @@server_id, @v /* 'not a literal' */ FROM t2"))
			.isEqualTo("SELECT `col1`, @@server_id, @v /* 'not a literal' */ FROM t2");
	}

	@Test
	void masksEverythingAfterWhatCannotBeRead() {
		assertThat(SqlLiterals.mask("INSERT INTO t VALUES ('secret")).isEqualTo("INSERT INTO t VALUES (?");
		assertThat(SqlLiterals.mask("SELECT 1 /*! , 'secret' */")).isEqualTo("SELECT ? ?");
		assertThat(SqlLiterals.mask("SELECT a, `b` /*! , 'secret' */")).isEqualTo("SELECT a, `b` ?");
	}

}
