package io.github.rwsplit.routing;

/**
 * Lets tests in other packages forget the response times they recorded under a router id, as
 * closing that router would.
 */
public final class ResponseTimeTestSupport {

	private ResponseTimeTestSupport() {
	}

	/** @param routerId the id the test recorded under */
	public static void forget(String routerId) {
		ResponseTime.remove(routerId);
	}

}
