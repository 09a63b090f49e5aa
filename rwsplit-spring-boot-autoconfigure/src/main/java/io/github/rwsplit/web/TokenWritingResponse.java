package io.github.rwsplit.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.BiConsumer;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import io.github.rwsplit.consistency.ConsistencyToken;

/**
 * Holds a request's newest token and writes it to the response once, at the last moment before
 * the response commits: when the body is first asked for ({@link #getOutputStream()},
 * {@link #getWriter()}), before {@link #flushBuffer()}, {@code sendError} and
 * {@code sendRedirect}, or at the end of the request ({@link #writeToken()}) when none of those
 * came.
 *
 * <p>Why: writing at every change sent one {@code Set-Cookie} per commit, and a request with fifty
 * commits outgrew the servers' 8 KB response-header limit, failing a request whose writes had
 * committed. Each new token covers the ones before it (it keeps the latest commit), so the newest one
 * is all the client needs.
 *
 * <p>A change after the body began (a commit while streaming) is written once more at the end if
 * the response is still uncommitted: the header is replaced, and a second cookie of the same name
 * follows the first, which the client takes as the newer. Never more than that: a response carries
 * at most two token cookies, whatever the number of commits. A change after the response
 * committed is lost to the client, as it would be with any header; the session still has it.
 *
 * <p>Not responsible for what is written (the filter decides) nor for server-side stores, which
 * the filter writes at each change.
 */
final class TokenWritingResponse extends HttpServletResponseWrapper {

	/** A first write, and at most one more for a change after the body began. */
	private static final int MAX_WRITES = 2;

	private final BiConsumer<HttpServletResponse, ConsistencyToken> writer;

	// Volatile: work wrapped for another thread (ConsistencyContext.wrap) reports changes from there.
	private volatile ConsistencyToken pending;

	private volatile ConsistencyToken written;

	private volatile int writes;

	TokenWritingResponse(HttpServletResponse response, BiConsumer<HttpServletResponse, ConsistencyToken> writer) {
		super(response);
		this.writer = writer;
	}

	/**
	 * The session's token changed: remember it, to write later.
	 * @param token the newest token
	 */
	void tokenChanged(ConsistencyToken token) {
		this.pending = token;
	}

	/**
	 * Writes the newest token, unless it was written already, the response is committed, or the
	 * token was written twice already.
	 */
	void writeToken() {
		ConsistencyToken token = this.pending;
		if (token == null || token.equals(this.written) || this.writes >= MAX_WRITES || isCommitted()) {
			return;
		}
		this.written = token;
		this.writes++;
		this.writer.accept((HttpServletResponse) getResponse(), token);
	}

	/**
	 * The body begins: write the token unless one was written already. A later change waits for
	 * the moment the response commits, so that the one extra write carries the newest token.
	 */
	private void writeFirstToken() {
		if (this.writes == 0) {
			writeToken();
		}
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		writeFirstToken();
		return super.getOutputStream();
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		writeFirstToken();
		return super.getWriter();
	}

	@Override
	public void flushBuffer() throws IOException {
		writeToken();
		super.flushBuffer();
	}

	@Override
	public void sendError(int sc, String msg) throws IOException {
		writeToken();
		super.sendError(sc, msg);
	}

	@Override
	public void sendError(int sc) throws IOException {
		writeToken();
		super.sendError(sc);
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		writeToken();
		super.sendRedirect(location);
	}

	@Override
	public void sendRedirect(String location, int sc) throws IOException {
		writeToken();
		super.sendRedirect(location, sc);
	}

	@Override
	public void sendRedirect(String location, boolean clearBuffer) throws IOException {
		writeToken();
		super.sendRedirect(location, clearBuffer);
	}

	@Override
	public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
		writeToken();
		super.sendRedirect(location, sc, clearBuffer);
	}

	@Override
	public void reset() {
		super.reset();
		// The headers are gone, the token with them: write it again.
		this.written = null;
		this.writes = 0;
	}

}
