package io.github.rwsplit.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One replica's response time as its own connections experience it: a moving average of how long
 * each statement took from being sent until its results were read, decaying with time rather than
 * with the number of samples, so that a busy replica and an idle one forget at the same pace.
 *
 * <p>Samples arrive from {@link io.github.rwsplit.mysql.ResponseTimeInterceptor} on the application's threads; the
 * average is two volatile fields updated without locks. Two threads recording at the same instant
 * may lose one sample, which an average over many samples does not notice.
 */
public final class ResponseTime {

	private static final Map<String, Map<String, ResponseTime>> ROUTERS = new ConcurrentHashMap<>();

	private volatile long windowNanos;

	/** The average in nanoseconds, or -1 before the first sample. */
	private volatile long averageNanos = -1;

	private volatile long lastSampleNanos;

	/** Samples so far, counted up to {@link #WARM_UP_SAMPLES}. */
	private volatile int samples;

	/**
	 * The first samples are averaged plainly, so that one slow first statement (a cold connection)
	 * does not dominate the average for a whole window.
	 */
	static final int WARM_UP_SAMPLES = 16;

	private ResponseTime(long windowNanos) {
		this.windowNanos = windowNanos;
	}

	/**
	 * A stand-alone average, for tests and custom wiring.
	 * @param window the time constant: a sample taken this long after the previous one moves the
	 * average half way to it
	 * @return a new average with no samples
	 */
	public static ResponseTime create(java.time.Duration window) {
		return new ResponseTime(requirePositive(window));
	}

	/**
	 * The average of one node of one router, shared by the router and the node's connections
	 * (which Connector/J creates, so they find it by the router's id and the node's name).
	 * @param routerId the router's id
	 * @param node the node's name
	 * @return its average, created on first use with a ten-second window
	 */
	public static ResponseTime of(String routerId, String node) {
		return ROUTERS.computeIfAbsent(routerId, (id) -> new ConcurrentHashMap<>())
			.computeIfAbsent(node, (name) -> new ResponseTime(10_000_000_000L));
	}

	/**
	 * Forgets a router's averages, when its DataSource closes.
	 * @param routerId the router's id
	 */
	static void remove(String routerId) {
		ROUTERS.remove(routerId);
	}

	/**
	 * Sets how quickly the average forgets.
	 * @param window the time constant: a sample taken this long after the previous one moves the
	 * average half way to it
	 */
	public void setWindow(java.time.Duration window) {
		this.windowNanos = requirePositive(window);
	}

	private static long requirePositive(java.time.Duration window) {
		if (window == null || window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("the response-time window must be positive, was " + window);
		}
		return window.toNanos();
	}

	/**
	 * Records one statement's response time.
	 * @param sampleNanos how long it took
	 * @param nowNanos {@link System#nanoTime()} when it finished
	 */
	public void record(long sampleNanos, long nowNanos) {
		long average = this.averageNanos;
		int count = this.samples;
		if (average < 0) {
			this.averageNanos = sampleNanos;
			count = 0;
		}
		else {
			// The weight of a sample grows with the time since the previous one: dt / (dt + window);
			// while warming up, it is at least that of a plain mean.
			long elapsed = Math.max(0, nowNanos - this.lastSampleNanos);
			double weight = (double) elapsed / (elapsed + this.windowNanos);
			if (count < WARM_UP_SAMPLES) {
				weight = Math.max(weight, 1.0 / (count + 1));
			}
			this.averageNanos = average + (long) ((sampleNanos - average) * weight);
		}
		if (count < WARM_UP_SAMPLES) {
			this.samples = count + 1;
		}
		this.lastSampleNanos = nowNanos;
	}

	/**
	 * The average, if it is recent.
	 * @param nowNanos {@link System#nanoTime()} now
	 * @return the average in nanoseconds, or -1 when there is no sample within one window (a
	 * replica that served nothing for that long is judged afresh)
	 */
	public long averageNanos(long nowNanos) {
		long average = this.averageNanos;
		if (average >= 0 && nowNanos - this.lastSampleNanos > this.windowNanos) {
			// Stale: judged afresh, and warmed up again, when samples come.
			this.samples = 0;
			return -1;
		}
		return average;
	}

}
