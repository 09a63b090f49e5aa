package io.github.rwsplit.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.consistency.ConsistencyTokenCodec;
import io.github.rwsplit.web.ConsistencyTokenFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token codec: unsigned by default, signing with keys, refusing short keys at start-up, giving
 * way to the application's own, and installed process-wide only while the context runs. The
 * nodes' addresses have nothing listening.
 */
class RwsplitConsistencyTokenAutoConfigurationTests {

	private static final String KEY = "k3y-0123456789-0123456789-0123456789-abc";

	private static final String OLD_KEY = "old-0123456789-0123456789-0123456789-xyz";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RwsplitDataSourceAutoConfiguration.class,
				RwsplitConsistencyTokenAutoConfiguration.class, RwsplitConsistencyWebAutoConfiguration.class))
		.withPropertyValues("rwsplit.pool.minimum-idle=0", "rwsplit.consistency.mode=gtid",
				"rwsplit.primary.url=jdbc:mysql://127.0.0.1:1/app", "rwsplit.startup.primary-check-timeout=0",
				"rwsplit.replicas.replica-1.url=jdbc:mysql://127.0.0.1:2/app");

	@Test
	void tokensAreUnsignedByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ConsistencyTokenCodec.class);
			assertThat(context.getBean(ConsistencyTokenCodec.class).isSigning()).isFalse();
		});
	}

	@Test
	void signingKeysSignTokensHereAndInTheProgrammaticApiWhileTheContextRuns() {
		ConsistencyTokenCodec before = ConsistencyTokenCodec.installed();
		this.runner.withPropertyValues("rwsplit.consistency.token.signing-keys=" + KEY + "," + OLD_KEY)
			.run((context) -> {
				ConsistencyTokenCodec codec = context.getBean(ConsistencyTokenCodec.class);
				assertThat(codec.isSigning()).isTrue();
				assertThat(ConsistencyTokenCodec.installed()).isSameAs(codec);
				assertThat(codec.toString()).doesNotContain(KEY).doesNotContain(OLD_KEY);
			});
		assertThat(ConsistencyTokenCodec.installed()).isSameAs(before);
	}

	@Test
	void theWebFilterIgnoresAndCountsUnsignedTokensWhenKeysAreSet() {
		this.runner.withPropertyValues("rwsplit.consistency.token.signing-keys=" + KEY).run((context) -> {
			@SuppressWarnings("unchecked")
			ConsistencyTokenFilter filter = ((FilterRegistrationBean<ConsistencyTokenFilter>) context
				.getBean("rwsplitConsistencyTokenFilter")).getFilter();
			MockHttpServletRequest request = new MockHttpServletRequest();
			request.addHeader("X-Rwsplit-Consistency", ConsistencyToken.EMPTY.afterWrite(1).encode());
			filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());
			assertThat(context.getBean(ConsistencyTokenCodec.class).rejectedSignatures()).isEqualTo(1);
		});
	}

	@Test
	void aShortSigningKeyFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("rwsplit.consistency.token.signing-keys=" + KEY + ",too-short-secret")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new RwsplitConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("rwsplit.consistency.token.signing-keys[1]")
					.contains("16 bytes")
					.doesNotContain("too-short-secret")
					.doesNotContain(KEY);
				assertThat(analysis.getAction()).contains("32 bytes");
			});
	}

	@Test
	void theApplicationsOwnCodecWinsAndIsTheOneInstalled() {
		this.runner.withPropertyValues("rwsplit.consistency.token.signing-keys=" + KEY)
			.withUserConfiguration(UserCodec.class)
			.run((context) -> {
				assertThat(context).getBean(ConsistencyTokenCodec.class).isSameAs(context.getBean("userCodec"));
				assertThat(ConsistencyTokenCodec.installed()).isSameAs(context.getBean("userCodec"));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCodec {

		@Bean
		ConsistencyTokenCodec userCodec() {
			return ConsistencyTokenCodec.signed(java.util.List.of(OLD_KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		}

	}

}
