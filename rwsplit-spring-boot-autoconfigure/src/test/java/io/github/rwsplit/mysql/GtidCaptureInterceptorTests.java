package io.github.rwsplit.mysql;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the GTID capture interceptor takes from MySQL's session-state change.
 */
class GtidCaptureInterceptorTests {

	private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

	@Test
	void capturedSessionStateValuesYieldTheGtid() {
		assertThat(GtidCaptureInterceptor.parse(List.of("0", A + ":17"))).hasToString(A + ":17");
		assertThat(GtidCaptureInterceptor.parse(List.of("0", ""))).isNull();
	}

}
