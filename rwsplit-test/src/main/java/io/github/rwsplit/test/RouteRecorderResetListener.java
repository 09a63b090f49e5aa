package io.github.rwsplit.test;

import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Empties every {@link RouteRecorder} of the test's context right before each test method runs,
 * after its {@code @BeforeEach} methods, so that their set-up does not count.
 */
class RouteRecorderResetListener implements TestExecutionListener, Ordered {

	@Override
	public void beforeTestExecution(TestContext testContext) {
		if (testContext.hasApplicationContext()) {
			testContext.getApplicationContext().getBeanProvider(RouteRecorder.class).forEach(RouteRecorder::reset);
		}
	}

	@Override
	public int getOrder() {
		return 10_000;
	}

}
