package io.github.rwsplit.statement;

/**
 * A MySQL-aware tokenizer, just deep enough to classify statements: it knows MySQL's comments
 * ({@code #}, {@code -- }, {@code /* *&#47;}, optimizer hints), quoting (strings with backslash
 * escapes and doubled quotes, back-quoted identifiers), user and system variables, and the
 * {@code :=} operator. It does not parse; {@link SqlClassifier} reads its tokens.
 *
 * <p>Executable comments ({@code /*!...*&#47;}) run their content on the server, so they are
 * reported as {@link Token#ERROR}: a statement that hides SQL from the tokenizer is not
 * classified, it goes to the primary. So does anything unterminated.
 *
 * <p>One instance per statement, used by one thread; tokens are read in place (offsets into the
 * SQL), nothing is allocated per token.
 */
final class SqlScanner {

	/** Token types. */
	enum Token {

		/** A keyword or an unquoted identifier. */
		WORD,

		/** A back-quoted identifier. */
		QUOTED_IDENTIFIER,

		/** A string literal. */
		STRING,

		/** A number. */
		NUMBER,

		/** A user variable, {@code @name}. */
		USER_VARIABLE,

		/** A system variable, {@code @@name} or {@code @@scope.name}; its name excludes the scope. */
		SYSTEM_VARIABLE,

		/** {@code :=}. */
		ASSIGN,

		/** Any other single character: {@code ( ) , ; .} and operators. */
		PUNCTUATION,

		/** The end of the SQL. */
		END,

		/** Something the tokenizer will not read past: an unterminated quote or comment, an executable comment. */
		ERROR

	}

	private final String sql;

	private final int length;

	private int position;

	Token token;

	/** The current token's text, as offsets into the SQL (for a variable: its name only). */
	int start;

	int end;

	SqlScanner(String sql) {
		this.sql = sql;
		this.length = sql.length();
	}

	/** @return the current token's first character (for punctuation) */
	char character() {
		return this.sql.charAt(this.start);
	}

	/**
	 * @param word an upper-case keyword
	 * @return whether the current token is that word, in any case
	 */
	boolean is(String word) {
		return this.token == Token.WORD && this.end - this.start == word.length()
				&& this.sql.regionMatches(true, this.start, word, 0, word.length());
	}

	/**
	 * @param c a punctuation character
	 * @return whether the current token is that character
	 */
	boolean is(char c) {
		return this.token == Token.PUNCTUATION && this.sql.charAt(this.start) == c;
	}

	/** @return the current token's text in upper case (allocates; used for function and variable names) */
	String upperText() {
		return this.sql.substring(this.start, this.end).toUpperCase(java.util.Locale.ROOT);
	}

	/**
	 * Whether the next token is an opening parenthesis, without moving: a look at the next
	 * characters, and a full {@link #peek()} only when a comment may come first.
	 * @return whether a {@code (} follows
	 */
	boolean parenthesisFollows() {
		int at = this.position;
		while (at < this.length && Character.isWhitespace(this.sql.charAt(at))) {
			at++;
		}
		if (at >= this.length) {
			return false;
		}
		char c = this.sql.charAt(at);
		if (c == '/' || c == '#' || c == '-') {
			return peek() == Token.PUNCTUATION && this.peekedCharacter == '(';
		}
		return c == '(';
	}

	/** @return the type of the token after the current one, without moving */
	Token peek() {
		int savedPosition = this.position;
		Token savedToken = this.token;
		int savedStart = this.start;
		int savedEnd = this.end;
		Token next = next();
		char first = (next == Token.PUNCTUATION) ? this.sql.charAt(this.start) : 0;
		this.peekedCharacter = first;
		this.peekedWordStart = this.start;
		this.peekedWordEnd = this.end;
		this.position = savedPosition;
		this.token = savedToken;
		this.start = savedStart;
		this.end = savedEnd;
		return next;
	}

	/** After {@link #peek()}: the peeked token's character when it is punctuation, else 0. */
	char peekedCharacter;

	private int peekedWordStart;

	private int peekedWordEnd;

	/**
	 * After {@link #peek()} returned a word.
	 * @param word an upper-case keyword
	 * @return whether the peeked word is that word
	 */
	boolean peekedIs(String word) {
		return this.peekedWordEnd - this.peekedWordStart == word.length()
				&& this.sql.regionMatches(true, this.peekedWordStart, word, 0, word.length());
	}

	/** @return the next token's type; its text is at {@link #start}..{@link #end} */
	Token next() {
		if (!skipSpaceAndComments()) {
			return this.token = Token.ERROR;
		}
		if (this.position >= this.length) {
			this.start = this.end = this.length;
			return this.token = Token.END;
		}
		int at = this.position;
		char c = this.sql.charAt(at);
		this.start = at;
		if (c == '\'' || c == '"') {
			return this.token = quoted(at, c, Token.STRING);
		}
		if (c == '`') {
			return this.token = quoted(at, c, Token.QUOTED_IDENTIFIER);
		}
		if (c == '@') {
			return this.token = variable(at);
		}
		if (c == ':' && at + 1 < this.length && this.sql.charAt(at + 1) == '=') {
			this.position = at + 2;
			this.end = this.position;
			return this.token = Token.ASSIGN;
		}
		if (Character.isDigit(c)) {
			this.position = wordEnd(at);
			this.end = this.position;
			return this.token = Token.NUMBER;
		}
		if (isWordCharacter(c)) {
			this.position = wordEnd(at);
			this.end = this.position;
			return this.token = Token.WORD;
		}
		this.position = at + 1;
		this.end = this.position;
		return this.token = Token.PUNCTUATION;
	}

	private static boolean isWordCharacter(char c) {
		return Character.isLetterOrDigit(c) || c == '_' || c == '$';
	}

	private int wordEnd(int from) {
		int at = from;
		while (at < this.length && isWordCharacter(this.sql.charAt(at))) {
			at++;
		}
		return at;
	}

	private Token quoted(int from, char quote, Token type) {
		int at = from + 1;
		while (at < this.length) {
			char c = this.sql.charAt(at);
			if (c == '\\' && quote != '`') {
				at += 2;
				continue;
			}
			if (c == quote) {
				if (at + 1 < this.length && this.sql.charAt(at + 1) == quote) {
					at += 2;
					continue;
				}
				this.position = at + 1;
				this.start = from + 1;
				this.end = at;
				return type;
			}
			at++;
		}
		return Token.ERROR;
	}

	private Token variable(int from) {
		boolean system = from + 1 < this.length && this.sql.charAt(from + 1) == '@';
		int at = from + (system ? 2 : 1);
		if (!system && at < this.length && "'\"`".indexOf(this.sql.charAt(at)) >= 0) {
			Token quotedName = quoted(at, this.sql.charAt(at), Token.USER_VARIABLE);
			return (quotedName == Token.ERROR) ? Token.ERROR : Token.USER_VARIABLE;
		}
		int nameStart = at;
		while (at < this.length && (isWordCharacter(this.sql.charAt(at)) || this.sql.charAt(at) == '.')) {
			if (this.sql.charAt(at) == '.') {
				nameStart = at + 1;
			}
			at++;
		}
		this.position = at;
		this.start = nameStart;
		this.end = at;
		return system ? Token.SYSTEM_VARIABLE : Token.USER_VARIABLE;
	}

	/** @return {@code false} at an unterminated or executable comment */
	private boolean skipSpaceAndComments() {
		while (this.position < this.length) {
			char c = this.sql.charAt(this.position);
			if (Character.isWhitespace(c)) {
				this.position++;
			}
			else if (c == '#') {
				skipLine();
			}
			else if (c == '-' && this.position + 1 < this.length && this.sql.charAt(this.position + 1) == '-'
					&& (this.position + 2 >= this.length || this.sql.charAt(this.position + 2) <= ' ')) {
				skipLine();
			}
			else if (c == '/' && this.position + 1 < this.length && this.sql.charAt(this.position + 1) == '*') {
				if (this.position + 2 < this.length && this.sql.charAt(this.position + 2) == '!') {
					return false;
				}
				int close = this.sql.indexOf("*/", this.position + 2);
				if (close < 0) {
					return false;
				}
				this.position = close + 2;
			}
			else {
				return true;
			}
		}
		return true;
	}

	private void skipLine() {
		while (this.position < this.length && this.sql.charAt(this.position) != '\n') {
			this.position++;
		}
	}

}
