package io.github.rwsplit.web;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.gtid.GtidSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter's three ways of keeping a token between requests, without a database: a request
 * "commits" by adding a GTID to its session.
 */
class ConsistencyTokenFilterTests {

	private static final String SOURCE = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	private static final GtidSet COMMIT = GtidSet.parse(SOURCE + ":7");

	private static final String HEADER = "X-Rwsplit-Consistency";

	/** Runs a request through the filter; the request writes when {@code write} is set. */
	private static MockHttpServletResponse run(ConsistencyTokenFilter filter, MockHttpServletRequest request,
			boolean write, AtomicReference<ConsistencyToken> seen) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
			private static final long serialVersionUID = 1L;

			@Override
			protected void service(jakarta.servlet.http.HttpServletRequest req,
					jakarta.servlet.http.HttpServletResponse res) {
				seen.set(ConsistencyContext.currentToken());
				if (write) {
					ConsistencyContext.useToken(ConsistencyToken.EMPTY.afterCommit(COMMIT, 1).encode());
				}
			}
		}));
		return response;
	}

	@Test
	void clientStoreSendsTheTokenBackAndReadsItFromHeaderOrCookie() throws Exception {
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(HEADER, "rwsplit-consistency", false, null, 10, java.time.Duration.ofSeconds(5));
		AtomicReference<ConsistencyToken> seen = new AtomicReference<>();
		MockHttpServletResponse written = run(filter, new MockHttpServletRequest(), true, seen);
		String token = written.getHeader(HEADER);
		assertThat(token).startsWith("r1.");
		assertThat(written.getHeader("Set-Cookie")).contains("HttpOnly").contains("SameSite=Lax");

		MockHttpServletRequest withHeader = new MockHttpServletRequest();
		withHeader.addHeader(HEADER, token);
		run(filter, withHeader, false, seen);
		assertThat(seen.get().gtids().contains(COMMIT)).isTrue();

		MockHttpServletRequest withCookie = new MockHttpServletRequest();
		withCookie.setCookies(new Cookie("rwsplit-consistency", token));
		run(filter, withCookie, false, seen);
		assertThat(seen.get().gtids().contains(COMMIT)).isTrue();

		MockHttpServletRequest garbage = new MockHttpServletRequest();
		garbage.addHeader(HEADER, "r1.%%%.x");
		assertThat(run(filter, garbage, false, seen).getStatus()).isEqualTo(200);
		assertThat(seen.get().isEmpty()).isTrue();
	}

	@Test
	void fiftyCommitsInOneRequestSendTheTokenOnce() throws Exception {
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(HEADER, "rwsplit-consistency", false, null, 10,
				java.time.Duration.ofSeconds(5));
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest(), response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
			private static final long serialVersionUID = 1L;

			@Override
			protected void service(jakarta.servlet.http.HttpServletRequest req,
					jakarta.servlet.http.HttpServletResponse res) throws java.io.IOException {
				for (int gno = 1; gno <= 50; gno++) {
					commit(gno);
				}
				res.getWriter().write("done");
			}
		}));
		assertThat(response.getHeaders("Set-Cookie")).hasSize(1);
		assertThat(response.getHeaders(HEADER)).hasSize(1);
		ConsistencyToken sent = ConsistencyToken.decode(response.getHeader(HEADER), Long.MAX_VALUE);
		assertThat(sent.gtids()).hasToString(SOURCE + ":1-50");
		assertThat(response.getHeader("Set-Cookie")).startsWith("rwsplit-consistency=" + response.getHeader(HEADER) + ";");
	}

	@Test
	void aChangeAfterTheBodyBeganIsWrittenOnceMoreAtTheEndAndNeverMore() throws Exception {
		MockHttpServletResponse response = handle((res) -> {
			commit(1);
			res.getWriter().write("streaming");
			for (int gno = 2; gno <= 20; gno++) {
				commit(gno);
				res.getWriter();
			}
		});
		assertThat(response.getHeaders("Set-Cookie")).hasSize(2);
		assertThat(response.getHeaders("Set-Cookie").get(1)).contains(response.getHeader(HEADER));
		assertThat(ConsistencyToken.decode(response.getHeader(HEADER), Long.MAX_VALUE).gtids())
			.hasToString(SOURCE + ":1-20");
	}

	@Test
	void aChangeAfterTheResponseCommittedIsNotWritten() throws Exception {
		MockHttpServletResponse response = handle((res) -> {
			commit(1);
			res.flushBuffer();
			commit(2);
		});
		assertThat(response.getHeaders("Set-Cookie")).hasSize(1);
		assertThat(ConsistencyToken.decode(response.getHeader(HEADER), Long.MAX_VALUE).gtids())
			.hasToString(SOURCE + ":1");
	}

	@Test
	void aRedirectOrAnErrorCarriesTheToken() throws Exception {
		MockHttpServletResponse redirected = handle((res) -> {
			commit(1);
			res.sendRedirect("/next");
		});
		assertThat(redirected.getHeaders("Set-Cookie")).hasSize(1);
		assertThat(redirected.getHeader(HEADER)).isNotNull();
		MockHttpServletResponse failed = handle((res) -> {
			commit(1);
			res.sendError(409);
		});
		assertThat(failed.getHeaders("Set-Cookie")).hasSize(1);
	}

	@Test
	void aResetResponseGetsTheTokenAgain() throws Exception {
		MockHttpServletResponse response = handle((res) -> {
			commit(1);
			res.getWriter();
			res.reset();
		});
		assertThat(response.getHeaders("Set-Cookie")).hasSize(1);
		assertThat(response.getHeader(HEADER)).isNotNull();
	}

	@Test
	void aRequestThatDoesNotWriteSendsNoToken() throws Exception {
		MockHttpServletResponse response = handle((res) -> res.getWriter().write("read only"));
		assertThat(response.getHeaders("Set-Cookie")).isEmpty();
		assertThat(response.getHeader(HEADER)).isNull();
	}

	@FunctionalInterface
	interface Handler {

		void handle(jakarta.servlet.http.HttpServletResponse response) throws java.io.IOException;

	}

	private static MockHttpServletResponse handle(Handler handler) throws Exception {
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(HEADER, "rwsplit-consistency", false, null, 10,
				java.time.Duration.ofSeconds(5));
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest(), response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
			private static final long serialVersionUID = 1L;

			@Override
			protected void service(jakarta.servlet.http.HttpServletRequest req,
					jakarta.servlet.http.HttpServletResponse res) throws java.io.IOException {
				handler.handle(res);
			}
		}));
		return response;
	}

	/** A commit of the current session, as the GTID capture reports it. */
	private static void commit(int gno) {
		ConsistencyContext.useToken(ConsistencyToken.EMPTY.afterCommit(GtidSet.parse(SOURCE + ":" + gno), 1).encode());
	}

	@Test
	void httpSessionStoreKeepsTheTokenInTheSession() throws Exception {
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(HEADER, "c", true, null, 10, java.time.Duration.ofSeconds(5));
		AtomicReference<ConsistencyToken> seen = new AtomicReference<>();
		MockHttpServletRequest first = new MockHttpServletRequest();
		MockHttpServletResponse response = run(filter, first, true, seen);
		assertThat(response.getHeader(HEADER)).isNull();
		MockHttpServletRequest second = new MockHttpServletRequest();
		second.setSession(first.getSession());
		run(filter, second, false, seen);
		assertThat(seen.get().gtids().contains(COMMIT)).isTrue();
	}

	@Test
	void keyedStoreSharesATokenAcrossRequestsOfOneKeyOnly() throws Exception {
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(HEADER, "c", false,
				(request) -> request.getParameter("user"), 10, java.time.Duration.ofSeconds(5));
		AtomicReference<ConsistencyToken> seen = new AtomicReference<>();
		MockHttpServletRequest ada = new MockHttpServletRequest();
		ada.setParameter("user", "ada");
		run(filter, ada, true, seen);
		MockHttpServletRequest adaAgain = new MockHttpServletRequest();
		adaAgain.setParameter("user", "ada");
		run(filter, adaAgain, false, seen);
		assertThat(seen.get().gtids().contains(COMMIT)).isTrue();
		MockHttpServletRequest bob = new MockHttpServletRequest();
		bob.setParameter("user", "bob");
		run(filter, bob, false, seen);
		assertThat(seen.get().isEmpty()).isTrue();
		assertThat(filter.storedSessions()).isEqualTo(1);
	}

	@Test
	void aSinkThatFailsNeverFailsTheCommitThatChangedTheToken() {
		try (ConsistencyContext.Scope scope = ConsistencyContext.open(ConsistencyToken.EMPTY, (token) -> {
			throw new IllegalStateException("response already committed");
		})) {
			assertThat(ConsistencyContext.useToken(ConsistencyToken.EMPTY.afterCommit(COMMIT, 1).encode())).isTrue();
			assertThat(ConsistencyContext.currentToken().gtids().contains(COMMIT)).isTrue();
		}
	}

	@Test
	void workHandedToAnotherThreadRunsInTheSameSession() throws Exception {
		ConsistencyContext.clear();
		try (ConsistencyContext.Scope scope = ConsistencyContext.open(ConsistencyToken.EMPTY.afterCommit(COMMIT, 1),
				ConsistencyContext.TokenSink.NONE)) {
			AtomicReference<ConsistencyToken> seen = new AtomicReference<>();
			Thread other = new Thread(ConsistencyContext.wrap(() -> seen.set(ConsistencyContext.currentToken())));
			other.start();
			other.join();
			assertThat(seen.get().gtids().contains(COMMIT)).isTrue();
		}
	}

	@Test
	void theThreadGetsItsOwnSessionBackAfterTheRequest() throws Exception {
		ConsistencyContext.clear();
		ConsistencyTokenFilter filter = new ConsistencyTokenFilter(HEADER, "c", false, null, 10, java.time.Duration.ofSeconds(5));
		run(filter, new MockHttpServletRequest(), true, new AtomicReference<>());
		assertThat(ConsistencyContext.currentToken().isEmpty()).isTrue();
	}

}
