package io.github.rwsplit.statement;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The classifier against a table of statements, each with the class it must get: R (a replica may
 * answer), W (the primary), S (the primary, and the connection stays there). The table covers
 * reads, writes, every special case the routing documentation names, comments, odd spacing and
 * case, and input that cannot be read.
 */
class SqlClassifierTests {

	private static final String TABLE = """
			R | SELECT 1
			R | select * from posts where id = ?
			R | SeLeCt id, title FROM posts ORDER BY id DESC LIMIT 10
			R |    \\t\\n  SELECT 1
			R | /* a comment */ SELECT 1
			R | /* multi\\nline */ SELECT 1
			R | -- a line comment\\nSELECT 1
			R | # a hash comment\\nSELECT 1
			R | /*+ MAX_EXECUTION_TIME(1000) */ SELECT 1
			R | SELECT /*+ BKA(t1) */ * FROM t1
			R | SELECT 1;
			R | SELECT 1; -- trailing comment
			R | (SELECT a FROM t1) UNION (SELECT a FROM t2)
			R | ((SELECT 1))
			R | SELECT a FROM t1 UNION ALL SELECT a FROM t2 ORDER BY a
			R | SELECT a FROM t1 EXCEPT SELECT a FROM t2
			R | WITH c AS (SELECT 1 AS x) SELECT x FROM c
			R | WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 10) SELECT n FROM seq
			R | WITH a AS (SELECT 1), b (x) AS (SELECT 2) SELECT * FROM a, b
			R | TABLE posts
			R | VALUES ROW(1, 2), ROW(3, 4)
			R | SHOW TABLES
			R | show full tables from app
			R | SHOW COLUMNS FROM posts
			R | SHOW INDEX FROM posts
			R | SHOW CREATE TABLE posts
			R | SHOW DATABASES
			R | SHOW TABLE STATUS LIKE 'posts'
			R | SHOW GRANTS
			R | EXPLAIN SELECT * FROM posts
			R | EXPLAIN FORMAT=JSON SELECT * FROM posts
			R | EXPLAIN ANALYZE SELECT * FROM posts
			R | EXPLAIN UPDATE posts SET title = 'x'
			R | DESCRIBE posts
			R | DESC posts
			R | HELP 'contents'
			R | SELECT COUNT(*), MAX(id), AVG(score) FROM posts GROUP BY author HAVING COUNT(*) > 1
			R | SELECT COALESCE(a, b), IFNULL(c, 0), IF(d > 1, 'x', 'y') FROM t
			R | SELECT CONCAT(first, ' ', last), UPPER(name), SUBSTRING(name, 1, 3), REPLACE(name, 'a', 'b') FROM users
			R | SELECT INSERT('abcdef', 2, 3, 'xyz')
			R | SELECT DATE_FORMAT(created_at, '%Y-%m'), NOW(), DATE_ADD(NOW(), INTERVAL 1 DAY) FROM posts
			R | SELECT CAST(price AS DECIMAL(10, 2)), CONVERT(name USING utf8mb4), CAST(x AS CHAR(10)) FROM t
			R | SELECT JSON_EXTRACT(doc, '$.a'), doc->>'$.b', JSON_OBJECT('k', v) FROM docs
			R | SELECT * FROM JSON_TABLE('[1,2]', '$[*]' COLUMNS (x INT PATH '$')) AS jt
			R | SELECT ROW_NUMBER() OVER (PARTITION BY author ORDER BY id) FROM posts
			R | SELECT a, RANK() OVER w FROM t WINDOW w AS (ORDER BY a)
			R | SELECT * FROM posts WHERE id IN (SELECT post_id FROM comments)
			R | SELECT * FROM posts p WHERE EXISTS (SELECT 1 FROM comments c WHERE c.post_id = p.id)
			R | SELECT * FROM t1 JOIN t2 USING (id)
			R | SELECT * FROM t1 FORCE INDEX (idx_a) WHERE a = 1
			R | SELECT MATCH (body) AGAINST ('mysql' IN NATURAL LANGUAGE MODE) FROM posts
			R | SELECT CASE WHEN (a > 1) THEN 'x' ELSE 'y' END FROM t
			R | SELECT 'FOR UPDATE', "LAST_INSERT_ID()", `update` FROM t
			R | SELECT 'it''s', 'back\\'slash' FROM dual
			R | SELECT @@server_id
			R | SELECT @@global.read_only, @@version
			R | SELECT SQL_NO_CACHE * FROM t
			R | SELECT UUID(), RAND(), MD5('x'), SLEEP(0)
			R | SELECT ST_Distance(a, b) FROM places
			R | SELECT t.id FROM app.posts t
			R | select distinct author from posts
			R | SELECT * FROM posts LIMIT 10 OFFSET 20
			R | SELECT GREATEST(1, 2), LEAST(3, 4), ABS(-1), ROUND(2.5)
			R | SELECT GROUP_CONCAT(name ORDER BY name SEPARATOR ',') FROM t
			W | INSERT INTO posts (title) VALUES ('x')
			W | insert into posts set title = 'x'
			W | UPDATE posts SET title = 'x' WHERE id = 1
			W | DELETE FROM posts WHERE id = 1
			W | REPLACE INTO posts (id, title) VALUES (1, 'x')
			W | INSERT INTO archive SELECT * FROM posts
			W | CREATE TABLE t (id INT)
			W | ALTER TABLE posts ADD COLUMN x INT
			W | DROP TABLE t
			W | TRUNCATE TABLE t
			W | RENAME TABLE a TO b
			W | LOAD DATA INFILE 'x' INTO TABLE t
			W | CALL refresh_stats()
			W | call app.report(1)
			W | COMMIT
			W | ROLLBACK
			W | ANALYZE TABLE posts
			W | OPTIMIZE TABLE posts
			W | FLUSH TABLES
			W | KILL 42
			W | GRANT SELECT ON app.* TO 'u'
			W | SELECT * FROM posts WHERE id = 1 FOR UPDATE
			W | select * from posts where id = 1 for update skip locked
			W | SELECT * FROM posts WHERE id = 1 FOR SHARE
			W | SELECT * FROM posts WHERE id = 1 LOCK IN SHARE MODE
			W | SELECT * FROM posts FOR UPDATE NOWAIT
			W | SELECT LAST_INSERT_ID()
			W | select last_insert_id()
			W | SELECT FOUND_ROWS()
			W | SELECT ROW_COUNT()
			W | SELECT @@identity
			W | SELECT @@last_insert_id
			W | SELECT CONNECTION_ID()
			W | SELECT IS_FREE_LOCK('job')
			W | SELECT IS_USED_LOCK('job')
			W | SELECT SQL_CALC_FOUND_ROWS * FROM posts LIMIT 10
			W | SELECT @x
			W | SELECT * FROM t WHERE a = @threshold
			W | SELECT * INTO OUTFILE '/tmp/x' FROM posts
			W | SELECT my_function(id) FROM posts
			W | SELECT app.score(id) FROM posts
			W | SELECT NEXTVAL(seq)
			W | SELECT LOAD_FILE('/etc/hosts')
			W | SHOW WARNINGS
			W | SHOW ERRORS
			W | SHOW COUNT(*) WARNINGS
			W | SHOW SESSION VARIABLES
			W | SHOW PROFILES
			W | SHOW PROCESSLIST
			W | SHOW GLOBAL STATUS
			W | SHOW VARIABLES LIKE 'read_only'
			W | SHOW BINARY LOG STATUS
			W | SHOW REPLICA STATUS
			W | EXPLAIN FOR CONNECTION 12
			W | WITH c AS (SELECT id FROM posts) DELETE FROM posts WHERE id IN (SELECT id FROM c)
			W | WITH c AS (SELECT 1) UPDATE t SET a = 1
			W | SELECT 1; SELECT 2
			W | SELECT 1; DELETE FROM posts
			W | SELECT * FROM posts WHERE title = 'unterminated
			W | SELECT /* unterminated comment
			W | /*!40101 SET NAMES utf8 */ SELECT 1
			W | SELECT `unterminated FROM t
			W | 
			W | ;
			W | -- only a comment
			W | 42
			W | ? = CALL f()
			W | SELECT * FROM (SELECT 1) AS d (a)
			W | DO SLEEP(1)
			S | SET @x = 1
			S | SET SESSION sql_mode = 'ANSI'
			S | set names utf8mb4
			S | SET autocommit = 0
			S | SET TRANSACTION ISOLATION LEVEL READ COMMITTED
			S | USE other_schema
			S | BEGIN
			S | START TRANSACTION READ ONLY
			S | XA START 'x'
			S | SAVEPOINT s1
			S | LOCK TABLES posts READ
			S | UNLOCK TABLES
			S | CREATE TEMPORARY TABLE tmp (id INT)
			S | create temporary table tmp select * from posts
			S | DROP TEMPORARY TABLE tmp
			S | PREPARE stmt FROM 'SELECT 1'
			S | EXECUTE stmt
			S | DEALLOCATE PREPARE stmt
			S | HANDLER posts OPEN
			S | SELECT GET_LOCK('job', 10)
			S | select release_lock('job')
			S | SELECT RELEASE_ALL_LOCKS()
			S | DO GET_LOCK('job', 1)
			S | SELECT id INTO @id FROM posts LIMIT 1
			S | SELECT @n := @n + 1 FROM posts
			S | SELECT 1; SET @x = 2
			""";

	static Stream<Arguments> table() {
		return TABLE.lines().map((line) -> {
			int bar = line.indexOf('|');
			String sql = line.substring(bar + 1).strip().replace("\\n", "\n").replace("\\t", "\t");
			StatementClass expected = switch (line.substring(0, bar).strip()) {
				case "R" -> StatementClass.READ;
				case "S" -> StatementClass.SESSION_STATE;
				default -> StatementClass.WRITE;
			};
			return Arguments.of(sql, expected);
		});
	}

	private final SqlClassifier classifier = new SqlClassifier(List.of(), 16);

	@ParameterizedTest(name = "{1}: {0}")
	@MethodSource("table")
	void classifies(String sql, StatementClass expected) {
		SqlClassifier.Decision decision = this.classifier.classify(sql);
		assertThat(decision.statementClass()).as("%s (%s)", sql, decision.reason()).isEqualTo(expected);
		assertThat(decision.reason()).isNotBlank();
	}

	@Test
	void theTableIsLargeAndCoversEveryClass() {
		assertThat(table().count()).isGreaterThanOrEqualTo(100);
		assertThat(table().map((arguments) -> arguments.get()[1]).distinct()).hasSize(3);
	}

	@Test
	void storedFunctionsDeclaredReadOnlyMayRunOnAReplica() {
		SqlClassifier withFunctions = new SqlClassifier(List.of("score", "App.Rank"), 16);
		assertThat(withFunctions.classify("SELECT score(id), app.rank(id) FROM posts").statementClass())
			.isEqualTo(StatementClass.READ);
		assertThat(withFunctions.classify("SELECT other(id) FROM posts").statementClass()).isEqualTo(StatementClass.WRITE);
	}

	@Test
	void reasonsSayWhy() {
		assertThat(this.classifier.classify("SELECT * FROM t FOR UPDATE").reason()).contains("locking read");
		assertThat(this.classifier.classify("SELECT my_fn(1)").reason()).contains("MY_FN()");
		assertThat(this.classifier.classify("SET @x = 1").reason()).contains("SET");
	}

	@Test
	void preparedDecisionsAreCachedWithinTheBound() {
		SqlClassifier small = new SqlClassifier(List.of(), 3);
		for (int i = 0; i < 10; i++) {
			assertThat(small.classifyPrepared("SELECT " + i).statementClass()).isEqualTo(StatementClass.READ);
			assertThat(small.cachedDecisions()).isBetween(1, 3);
		}
		SqlClassifier.Decision first = small.classifyPrepared("SELECT 9");
		assertThat(small.classifyPrepared("SELECT 9")).isSameAs(first);
		assertThat(new SqlClassifier(List.of(), 0).classifyPrepared("SELECT 1").statementClass())
			.isEqualTo(StatementClass.READ);
		assertThatIllegalArgumentException().isThrownBy(() -> new SqlClassifier(List.of(), -1));
	}

}
