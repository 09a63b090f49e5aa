package io.github.rwsplit.statement;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.statement.SqlScanner.Token;

/**
 * Decides whether a statement run outside a transaction may go to a replica. It reads MySQL's
 * syntax with {@link SqlScanner} rather than matching the first word, and it errs one way only:
 * whatever it cannot prove to be a read that depends on nothing in the session goes to the
 * primary.
 *
 * <p>Reads: {@code SELECT}, {@code WITH ... SELECT}, {@code TABLE}, {@code VALUES},
 * {@code (SELECT ...) UNION ...}, {@code SHOW}, {@code EXPLAIN}, {@code DESCRIBE}, {@code HELP},
 * after any comments and whitespace. A read becomes a write when it locks ({@code FOR UPDATE},
 * {@code FOR SHARE}, {@code LOCK IN SHARE MODE}), writes a file ({@code INTO OUTFILE}), depends on
 * the session ({@code LAST_INSERT_ID()}, {@code FOUND_ROWS()}, {@code ROW_COUNT()},
 * {@code @@identity}, user variables, {@code SHOW WARNINGS}), or calls a function that is not one
 * of MySQL's built-in read-only functions (a stored function may write; add yours that do not with
 * {@code rwsplit.routing.read-only-functions}). It changes the session, and pins the connection to
 * the primary, when it takes a named lock ({@code GET_LOCK}) or assigns a variable
 * ({@code SELECT ... INTO @x}, {@code @x := ...}). {@code SET}, {@code USE}, temporary tables,
 * {@code LOCK TABLES}, SQL {@code PREPARE} and explicit transactions change the session too.
 * Several statements in one string take the most restrictive class, and at least {@code WRITE}.
 *
 * <p>Thread-safe. Decisions for SQL that is prepared are cached, up to a bound; when the cache is
 * full it is cleared and refilled with what the application runs now.
 */
public final class SqlClassifier {

	/**
	 * A decision.
	 *
	 * @param statementClass where the statement may go
	 * @param reason why, for people (a DEBUG log line)
	 */
	public record Decision(StatementClass statementClass, String reason) {
	}

	private static final Decision READ = new Decision(StatementClass.READ, "a read");

	/** Functions that take or free a named lock, which belongs to the session. */
	private static final Set<String> LOCK_FUNCTIONS = Set.of("GET_LOCK", "RELEASE_LOCK", "RELEASE_ALL_LOCKS");

	/** Words that may precede a parenthesis without being a function call. */
	private static final Set<String> KEYWORDS_BEFORE_PARENTHESIS = Set.of("IN", "EXISTS", "AS", "ON", "USING",
			"FROM", "JOIN", "SELECT", "AND", "OR", "NOT", "XOR", "WHERE", "HAVING", "OVER", "WINDOW", "ROW", "VALUES",
			"WHEN", "THEN", "ELSE", "CASE", "UNION", "EXCEPT", "INTERSECT", "ALL", "ANY", "SOME", "DISTINCT", "BY",
			"INDEX", "KEY", "COLUMNS", "OF", "LATERAL", "AGAINST", "BETWEEN", "LIKE", "REGEXP", "RLIKE", "IS", "ESCAPE",
			"DIV", "INTERVAL", "PARTITION", "WITH", "RECURSIVE", "TABLE", "LIMIT", "OFFSET", "ASC", "DESC", "DUAL",
			"FOR", "LOCK", "SHARE", "MODE", "NULL", "TRUE", "FALSE", "BINARY", "COLLATE", "FORCE", "IGNORE", "USE",
			"STRAIGHT_JOIN", "NATURAL", "LEFT", "RIGHT", "INNER", "OUTER", "CROSS", "ORDER", "GROUP", "ROLLUP",
			"PRECEDING", "FOLLOWING", "RANGE", "ROWS", "UNBOUNDED", "CURRENT", "NESTED", "PATH", "EXPLAIN",
			"DESCRIBE", "ANALYZE", "FORMAT", "HIGH_PRIORITY", "SQL_NO_CACHE", "SQL_CACHE", "SQL_BIG_RESULT",
			"SQL_SMALL_RESULT", "SQL_BUFFER_RESULT");

	/** MySQL's built-in functions that read nothing but their arguments and the data. */
	private static final Set<String> BUILT_IN_READ_ONLY_FUNCTIONS = Set.of(
			// aggregate and window
			"AVG", "BIT_AND", "BIT_OR", "BIT_XOR", "COUNT", "GROUP_CONCAT", "JSON_ARRAYAGG", "JSON_OBJECTAGG", "MAX",
			"MIN", "STD", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "SUM", "VAR_POP", "VAR_SAMP", "VARIANCE",
			"CUME_DIST", "DENSE_RANK", "FIRST_VALUE", "LAG", "LAST_VALUE", "LEAD", "NTH_VALUE", "NTILE",
			"PERCENT_RANK", "RANK", "ROW_NUMBER", "GROUPING", "ANY_VALUE",
			// control flow and comparison
			"IF", "IFNULL", "NULLIF", "COALESCE", "GREATEST", "LEAST", "ISNULL", "STRCMP",
			// strings
			"ASCII", "BIN", "BIT_LENGTH", "CHAR", "CHAR_LENGTH", "CHARACTER_LENGTH", "CONCAT", "CONCAT_WS", "ELT",
			"EXPORT_SET", "FIELD", "FIND_IN_SET", "FORMAT", "FROM_BASE64", "HEX", "INSERT", "INSTR", "LCASE", "LEFT",
			"LENGTH", "LOCATE", "LOWER", "LPAD", "LTRIM", "MAKE_SET", "MATCH", "MID", "OCT", "OCTET_LENGTH", "ORD",
			"POSITION", "QUOTE", "REGEXP_INSTR", "REGEXP_LIKE", "REGEXP_REPLACE", "REGEXP_SUBSTR", "REPEAT", "REPLACE",
			"REVERSE", "RIGHT", "RPAD", "RTRIM", "SOUNDEX", "SPACE", "SUBSTR", "SUBSTRING", "SUBSTRING_INDEX",
			"TO_BASE64", "TRIM", "UCASE", "UNHEX", "UPPER", "WEIGHT_STRING", "CHARSET", "COLLATION", "COERCIBILITY",
			// numbers
			"ABS", "ACOS", "ASIN", "ATAN", "ATAN2", "CEIL", "CEILING", "CONV", "COS", "COT", "CRC32", "DEGREES", "EXP",
			"FLOOR", "LN", "LOG", "LOG10", "LOG2", "MOD", "PI", "POW", "POWER", "RADIANS", "RAND", "ROUND", "SIGN",
			"SIN", "SQRT", "TAN", "TRUNCATE", "BIT_COUNT",
			// dates and times
			"ADDDATE", "ADDTIME", "CONVERT_TZ", "CURDATE", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP",
			"CURTIME", "DATE", "DATE_ADD", "DATE_FORMAT", "DATE_SUB", "DATEDIFF", "DAY", "DAYNAME", "DAYOFMONTH",
			"DAYOFWEEK", "DAYOFYEAR", "EXTRACT", "FROM_DAYS", "FROM_UNIXTIME", "GET_FORMAT", "HOUR", "LAST_DAY",
			"LOCALTIME", "LOCALTIMESTAMP", "MAKEDATE", "MAKETIME", "MICROSECOND", "MINUTE", "MONTH", "MONTHNAME", "NOW",
			"PERIOD_ADD", "PERIOD_DIFF", "QUARTER", "SEC_TO_TIME", "SECOND", "STR_TO_DATE", "SUBDATE", "SUBTIME",
			"SYSDATE", "TIME", "TIME_FORMAT", "TIME_TO_SEC", "TIMEDIFF", "TIMESTAMP", "TIMESTAMPADD", "TIMESTAMPDIFF",
			"TO_DAYS", "TO_SECONDS", "UNIX_TIMESTAMP", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "WEEK", "WEEKDAY",
			"WEEKOFYEAR", "YEAR", "YEARWEEK",
			// casts and the types they name
			"CAST", "CONVERT", "VARCHAR", "DECIMAL", "DEC", "NUMERIC", "FLOAT", "DOUBLE", "REAL", "SIGNED", "UNSIGNED",
			"INT", "INTEGER", "DATETIME", "NCHAR", "JSON",
			// JSON
			"JSON_ARRAY", "JSON_ARRAY_APPEND", "JSON_ARRAY_INSERT", "JSON_CONTAINS", "JSON_CONTAINS_PATH", "JSON_DEPTH",
			"JSON_EXTRACT", "JSON_INSERT", "JSON_KEYS", "JSON_LENGTH", "JSON_MERGE", "JSON_MERGE_PATCH",
			"JSON_MERGE_PRESERVE", "JSON_OBJECT", "JSON_OVERLAPS", "JSON_PRETTY", "JSON_QUOTE", "JSON_REMOVE",
			"JSON_REPLACE", "JSON_SCHEMA_VALID", "JSON_SCHEMA_VALIDATION_REPORT", "JSON_SEARCH", "JSON_SET",
			"JSON_STORAGE_FREE", "JSON_STORAGE_SIZE", "JSON_TABLE", "JSON_TYPE", "JSON_UNQUOTE", "JSON_VALID",
			"JSON_VALUE",
			// everything else
			"UUID", "UUID_TO_BIN", "BIN_TO_UUID", "IS_UUID", "INET_ATON", "INET_NTOA", "INET6_ATON", "INET6_NTOA",
			"IS_IPV4", "IS_IPV6", "IS_IPV4_COMPAT", "IS_IPV4_MAPPED", "MD5", "SHA", "SHA1", "SHA2", "COMPRESS",
			"UNCOMPRESS", "UNCOMPRESSED_LENGTH", "AES_ENCRYPT", "AES_DECRYPT", "RANDOM_BYTES", "DATABASE", "SCHEMA",
			"USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "VERSION", "CURRENT_ROLE", "BENCHMARK", "SLEEP",
			"DEFAULT", "FORMAT_BYTES", "FORMAT_PICO_TIME", "GTID_SUBSET", "GTID_SUBTRACT", "STATEMENT_DIGEST",
			"STATEMENT_DIGEST_TEXT", "ICU_VERSION");

	private final Set<String> readOnlyFunctions;

	private final int cacheSize;

	private final Map<String, Decision> cache = new ConcurrentHashMap<>();

	/**
	 * Creates a classifier.
	 * @param extraReadOnlyFunctions stored functions known to read only, as
	 * {@code name} or {@code schema.name} (case-insensitive)
	 * @param cacheSize most decisions for prepared SQL kept; 0 for no cache
	 */
	public SqlClassifier(Collection<String> extraReadOnlyFunctions, int cacheSize) {
		if (cacheSize < 0) {
			throw new IllegalArgumentException("the statement cache size must not be negative, was " + cacheSize);
		}
		Set<String> functions = new HashSet<>();
		for (String function : extraReadOnlyFunctions) {
			String name = function.trim().toUpperCase(Locale.ROOT);
			int dot = name.lastIndexOf('.');
			functions.add((dot >= 0) ? name.substring(dot + 1) : name);
		}
		this.readOnlyFunctions = Set.copyOf(functions);
		this.cacheSize = cacheSize;
	}

	/**
	 * Classifies SQL that is prepared, and so likely to come again: cached.
	 * @param sql the statement text
	 * @return the decision
	 */
	public Decision classifyPrepared(String sql) {
		Decision decision = this.cache.get(sql);
		if (decision == null) {
			decision = classify(sql);
			if (this.cacheSize > 0) {
				if (this.cache.size() >= this.cacheSize) {
					this.cache.clear();
				}
				this.cache.put(sql, decision);
			}
		}
		return decision;
	}

	/** @return how many decisions are cached now */
	public int cachedDecisions() {
		return this.cache.size();
	}

	/**
	 * Classifies a statement, without the cache.
	 * @param sql the statement text
	 * @return the decision
	 */
	public Decision classify(@Nullable String sql) {
		if (sql == null) {
			return new Decision(StatementClass.WRITE, "no SQL");
		}
		SqlScanner scanner = new SqlScanner(sql);
		Decision worst = null;
		int statements = 0;
		while (true) {
			Decision decision = statement(scanner);
			if (decision == null) {
				// An empty statement: only separators and comments.
				if (scanner.token == Token.END) {
					break;
				}
				continue;
			}
			statements++;
			if (worst == null || decision.statementClass().compareTo(worst.statementClass()) > 0) {
				worst = decision;
			}
			if (scanner.token == Token.ERROR) {
				return new Decision(StatementClass.WRITE.compareTo(worst.statementClass()) > 0 ? StatementClass.WRITE
						: worst.statementClass(), "cannot read past a quote or comment");
			}
			if (scanner.token == Token.END) {
				break;
			}
		}
		if (worst == null) {
			return new Decision(StatementClass.WRITE, "no statement");
		}
		if (statements > 1 && worst.statementClass() == StatementClass.READ) {
			return new Decision(StatementClass.WRITE, "several statements");
		}
		return worst;
	}

	/**
	 * Classifies one statement and leaves the scanner on the {@code ;} that ends it, or at the
	 * end or an error.
	 * @return the decision, or {@code null} for an empty statement
	 */
	private @Nullable Decision statement(SqlScanner scanner) {
		Token token = scanner.next();
		while (token == Token.PUNCTUATION && scanner.is('(')) {
			token = scanner.next();
		}
		if (token == Token.END || (token == Token.PUNCTUATION && scanner.is(';'))) {
			return null;
		}
		if (token != Token.WORD) {
			return finish(scanner, new Decision(StatementClass.WRITE, "cannot tell what it is"));
		}
		if (scanner.is("SELECT") || scanner.is("WITH") || scanner.is("TABLE") || scanner.is("VALUES")) {
			return query(scanner, scanner.is("WITH"));
		}
		if (scanner.is("SHOW")) {
			return show(scanner);
		}
		if (scanner.is("EXPLAIN") || scanner.is("DESCRIBE") || scanner.is("DESC")) {
			return explain(scanner);
		}
		if (scanner.is("HELP")) {
			return finish(scanner, READ);
		}
		if (scanner.is("SET") || scanner.is("USE") || scanner.is("BEGIN") || scanner.is("START") || scanner.is("XA")
				|| scanner.is("SAVEPOINT") || scanner.is("RELEASE") || scanner.is("LOCK") || scanner.is("UNLOCK")
				|| scanner.is("HANDLER") || scanner.is("PREPARE") || scanner.is("EXECUTE") || scanner.is("DEALLOCATE")) {
			return finish(scanner, new Decision(StatementClass.SESSION_STATE,
					"changes the session (" + scanner.upperText() + ")"));
		}
		if (scanner.is("CREATE") || scanner.is("DROP")) {
			String verb = scanner.upperText();
			if (scanner.next() == Token.WORD && scanner.is("TEMPORARY")) {
				return finish(scanner, new Decision(StatementClass.SESSION_STATE, verb + " TEMPORARY TABLE"));
			}
			return finish(scanner, new Decision(StatementClass.WRITE, "writes (" + verb + ")"));
		}
		if (scanner.is("DO")) {
			return finish(scanner, query(scanner, false).statementClass() == StatementClass.SESSION_STATE
					? new Decision(StatementClass.SESSION_STATE, "DO with a session lock")
					: new Decision(StatementClass.WRITE, "DO"));
		}
		return finish(scanner, new Decision(StatementClass.WRITE, "writes (" + scanner.upperText() + ")"));
	}

	/** Skips to the end of the statement; an error on the way makes it a write. */
	private static Decision finish(SqlScanner scanner, Decision decision) {
		Token token = scanner.token;
		while (token != Token.END && token != Token.ERROR && !(token == Token.PUNCTUATION && scanner.is(';'))) {
			token = scanner.next();
		}
		if (token == Token.ERROR && decision.statementClass() == StatementClass.READ) {
			return new Decision(StatementClass.WRITE, "cannot read past a quote or comment");
		}
		return decision;
	}

	/**
	 * SHOW about the schema is the same on every server; SHOW about the server (status,
	 * variables, processes, binary logs, replication) or the session (warnings, profiles) is not.
	 */
	private Decision show(SqlScanner scanner) {
		Token token = scanner.next();
		if (token == Token.WORD && SCHEMA_SHOWS.contains(scanner.upperText())) {
			return finish(scanner, READ);
		}
		return finish(scanner, new Decision(StatementClass.WRITE, "SHOW about the server or the session"));
	}

	/** What may follow SHOW in a read that every server answers alike. */
	private static final Set<String> SCHEMA_SHOWS = Set.of("TABLES", "FULL", "EXTENDED", "COLUMNS", "FIELDS", "INDEX",
			"INDEXES", "KEYS", "CREATE", "DATABASES", "SCHEMAS", "TABLE", "TRIGGERS", "EVENTS", "FUNCTION", "PROCEDURE",
			"CHARACTER", "CHARSET", "COLLATION", "PRIVILEGES", "GRANTS", "PLUGINS");

	private Decision explain(SqlScanner scanner) {
		Token token = scanner.next();
		if (token == Token.WORD && scanner.is("ANALYZE")) {
			// EXPLAIN ANALYZE runs the query.
			scanner.next();
			if (scanner.is("SELECT") || scanner.is("WITH") || scanner.is("TABLE")) {
				return query(scanner, scanner.is("WITH"));
			}
			return finish(scanner, new Decision(StatementClass.WRITE, "EXPLAIN ANALYZE of a write"));
		}
		for (; token != Token.END && token != Token.ERROR && !(token == Token.PUNCTUATION && scanner.is(';'));
				token = scanner.next()) {
			if (scanner.is("CONNECTION")) {
				return finish(scanner, new Decision(StatementClass.WRITE, "EXPLAIN FOR CONNECTION"));
			}
		}
		return finish(scanner, READ);
	}

	/**
	 * A query (SELECT, WITH, TABLE, VALUES, DO): a read unless something in it says otherwise.
	 * The scanner is on its first word.
	 */
	private Decision query(SqlScanner scanner, boolean with) {
		Decision decision = READ;
		int depth = 0;
		// In a WITH clause, at depth 0 before the main query: a word after WITH, RECURSIVE or a comma names a CTE.
		boolean definitions = with;
		boolean cteName = with;
		boolean afterCteName = false;
		boolean previousWasDot = false;
		for (Token token = scanner.next(); token != Token.END && token != Token.ERROR
				&& !(token == Token.PUNCTUATION && scanner.is(';')); token = scanner.next()) {
			boolean dot = false;
			switch (token) {
				case PUNCTUATION -> {
					char c = scanner.character();
					if (c == '(') {
						depth++;
					}
					else if (c == ')') {
						depth--;
					}
					else if (c == ',' && definitions && depth == 0) {
						cteName = true;
					}
					else if (c == '.') {
						dot = true;
					}
				}
				case USER_VARIABLE -> decision = worse(decision, (scanner.peek() == Token.ASSIGN)
						? new Decision(StatementClass.SESSION_STATE, "assigns a user variable")
						: new Decision(StatementClass.WRITE, "reads a user variable"));
				case SYSTEM_VARIABLE -> {
					String name = scanner.upperText();
					if (name.equals("IDENTITY") || name.equals("LAST_INSERT_ID")) {
						decision = worse(decision, new Decision(StatementClass.WRITE, "reads @@" + name.toLowerCase(Locale.ROOT)));
					}
				}
				case WORD -> {
					if (definitions && depth == 0 && (scanner.is("SELECT") || scanner.is("TABLE") || scanner.is("VALUES")
							|| scanner.is("UPDATE") || scanner.is("DELETE"))) {
						definitions = false;
						cteName = false;
					}
					if (cteName && !scanner.is("RECURSIVE") && !scanner.is("AS")) {
						cteName = false;
						afterCteName = true;
						break;
					}
					decision = worse(decision, word(scanner, previousWasDot, afterCteName));
					afterCteName = false;
				}
				default -> {
				}
			}
			previousWasDot = dot;
		}
		return finish(scanner, decision);
	}

	/** What one word in a query means for it. */
	private Decision word(SqlScanner scanner, boolean qualified, boolean afterCteName) {
		if (scanner.is("FOR")) {
			Token next = scanner.peek();
			if (next == Token.WORD && (scanner.peekedIs("UPDATE") || scanner.peekedIs("SHARE"))) {
				return new Decision(StatementClass.WRITE, "a locking read (FOR UPDATE / FOR SHARE)");
			}
			return null;
		}
		if (scanner.is("LOCK")) {
			return new Decision(StatementClass.WRITE, "a locking read (LOCK IN SHARE MODE)");
		}
		if (scanner.is("UPDATE") || scanner.is("DELETE")) {
			return new Decision(StatementClass.WRITE, "writes (" + scanner.upperText() + ")");
		}
		if (scanner.is("INTO")) {
			Token next = scanner.peek();
			if (next == Token.WORD && (scanner.peekedIs("OUTFILE") || scanner.peekedIs("DUMPFILE"))) {
				return new Decision(StatementClass.WRITE, "writes a file (INTO OUTFILE)");
			}
			return new Decision(StatementClass.SESSION_STATE, "assigns variables (SELECT ... INTO)");
		}
		if (scanner.is("SQL_CALC_FOUND_ROWS")) {
			return new Decision(StatementClass.WRITE, "SQL_CALC_FOUND_ROWS (FOUND_ROWS() must follow on the same connection)");
		}
		if (afterCteName || !scanner.parenthesisFollows()) {
			return null;
		}
		// A word before a parenthesis: a function call, unless it is a keyword.
		String name = scanner.upperText();
		if (LOCK_FUNCTIONS.contains(name)) {
			return new Decision(StatementClass.SESSION_STATE, name + "() takes or frees a session lock");
		}
		if (qualified) {
			return this.readOnlyFunctions.contains(name) ? null
					: new Decision(StatementClass.WRITE, "calls stored function " + name + "(), which may write");
		}
		if (KEYWORDS_BEFORE_PARENTHESIS.contains(name) || BUILT_IN_READ_ONLY_FUNCTIONS.contains(name)
				|| name.startsWith("ST_") || this.readOnlyFunctions.contains(name)) {
			return null;
		}
		return new Decision(StatementClass.WRITE, "calls " + name + "(), which may write or depend on the session");
	}

	private static Decision worse(Decision current, Decision candidate) {
		if (candidate == null) {
			return current;
		}
		return (candidate.statementClass().compareTo(current.statementClass()) > 0) ? candidate : current;
	}

}
