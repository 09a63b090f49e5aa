package io.github.rwsplit.test;

/**
 * Entry points for asserting routes, in AssertJ's style:
 * <pre>{@code
 * assertThat(routes).last().wentToReplica().withReason(RouteReason.READ_ONLY_TRANSACTION);
 * assertThat(routes).single().wentToPrimary();
 * assertThat(routes).allWentToReplicas();
 * }</pre>
 */
public final class RouteAssertions {

	private RouteAssertions() {
	}

	/**
	 * @param recorder the recorder, as {@link RecordRoutes} declares it
	 * @return assertions on every route it recorded
	 */
	public static RouteRecorderAssert assertThat(RouteRecorder recorder) {
		return new RouteRecorderAssert(recorder);
	}

	/**
	 * @param route one recorded route
	 * @return assertions on it
	 */
	public static RecordedRouteAssert assertThat(RecordedRoute route) {
		return new RecordedRouteAssert(route, "the route");
	}

}
