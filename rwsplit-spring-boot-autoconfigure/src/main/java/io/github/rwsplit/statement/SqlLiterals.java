package io.github.rwsplit.statement;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.statement.SqlScanner.Token;

/**
 * Statements made fit for a log line: every string and number literal becomes {@code ?}, because a
 * literal may be a secret, a personal detail, or a bind value the driver inlined. Quoting, comments
 * and escapes are read the way {@link SqlClassifier} reads them (MySQL's rules), not by a pattern,
 * so a quote inside a comment or an escaped quote inside a string cannot unmask what follows.
 * Anything the tokenizer will not read past (an unterminated quote, an executable comment, a
 * statement the driver cut short) is masked to the end.
 *
 * <p>Not for the hot path: it allocates, and callers use it only when they are about to log.
 */
public final class SqlLiterals {

	private SqlLiterals() {
	}

	/**
	 * @param sql a statement
	 * @return the statement with each string and number literal replaced by {@code ?}
	 */
	public static @Nullable String mask(@Nullable String sql) {
		if (sql == null) {
			return null;
		}
		SqlScanner scanner = new SqlScanner(sql);
		StringBuilder masked = new StringBuilder(sql.length());
		int copied = 0;
		int read = 0;
		for (Token token = scanner.next(); token != Token.END; token = scanner.next()) {
			if (token == Token.ERROR) {
				return masked.append(sql, copied, unreadableFrom(sql, read, scanner.start)).append('?').toString();
			}
			read = (token == Token.STRING || token == Token.QUOTED_IDENTIFIER) ? scanner.end + 1 : scanner.end;
			if (scanner.start < copied) {
				continue; // the rest of a number already masked (its fraction)
			}
			if (token == Token.STRING || token == Token.NUMBER) {
				int from = (token == Token.STRING) ? scanner.start - 1 : scanner.start;
				int to = (token == Token.STRING) ? scanner.end + 1 : fractionEnd(sql, scanner.end);
				masked.append(sql, copied, from).append('?');
				copied = to;
			}
		}
		return masked.append(sql, copied, sql.length()).toString();
	}

	/** The tokenizer reads {@code 0.25} as three tokens; one {@code ?} stands for the whole number. */
	private static int fractionEnd(String sql, int numberEnd) {
		if (numberEnd + 1 < sql.length() && sql.charAt(numberEnd) == '.' && Character.isDigit(sql.charAt(numberEnd + 1))) {
			int at = numberEnd + 1;
			while (at < sql.length() && Character.isLetterOrDigit(sql.charAt(at))) {
				at++;
			}
			return at;
		}
		return numberEnd;
	}

	/**
	 * Where the unreadable part begins: the failed token's start when the scanner got that far (an
	 * unterminated quote), else after the blanks that follow the last token read (a comment).
	 */
	private static int unreadableFrom(String sql, int read, int failedTokenStart) {
		if (failedTokenStart >= read && failedTokenStart <= sql.length()) {
			return failedTokenStart;
		}
		int at = read;
		while (at < sql.length() && Character.isWhitespace(sql.charAt(at))) {
			at++;
		}
		return at;
	}

}
