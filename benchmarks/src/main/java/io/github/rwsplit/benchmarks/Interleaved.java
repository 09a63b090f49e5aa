package io.github.rwsplit.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs contenders one at a time, in a shuffled order each round, for a fixed time each, and
 * reports each one's median throughput with its range, and its median ratio to the first
 * contender measured in the same rounds. On a small, shared machine, contenders running at the
 * same time fight for the cores and their ratio is noise; run one after the other, each gets the
 * machine as it is at that moment, and the per-round ratio and its median cancel slow drifts.
 */
final class Interleaved {

	/** One unit of work. */
	@FunctionalInterface
	interface Work {

		void run() throws Exception;

	}

	private final Map<String, Work> contenders = new LinkedHashMap<>();

	private Work beforeEach = () -> {
	};

	/**
	 * Work to do before each contender's measurement, untimed: waiting for replicas to apply what
	 * the previous contender wrote, so that no one starts behind someone else's backlog.
	 */
	Interleaved beforeEach(Work work) {
		this.beforeEach = work;
		return this;
	}

	Interleaved add(String name, Work work) {
		this.contenders.put(name, work);
		return this;
	}

	/** Throughput and tail latency of one contender in one round. */
	record Sample(double opsPerSecond, double p50Micros, double p99Micros) {
	}

	/**
	 * Warms every contender up, then measures, each contender with several threads at once, with
	 * latencies.
	 * @param threads threads per contender
	 * @param warmupMillis warm-up per contender
	 * @param rounds how many rounds
	 * @param millis how long each contender runs per round
	 * @return per contender, its sample in each round
	 * @throws Exception when a contender fails
	 */
	Map<String, Sample[]> runConcurrent(int threads, long warmupMillis, int rounds, long millis) throws Exception {
		for (Work work : this.contenders.values()) {
			this.beforeEach.run();
			measureConcurrent(work, threads, warmupMillis);
		}
		Map<String, Sample[]> results = new LinkedHashMap<>();
		this.contenders.keySet().forEach((name) -> results.put(name, new Sample[rounds]));
		List<String> order = new ArrayList<>(this.contenders.keySet());
		Random random = new Random(42);
		for (int round = 0; round < rounds; round++) {
			Collections.shuffle(order, random);
			for (String name : order) {
				this.beforeEach.run();
				results.get(name)[round] = measureConcurrent(this.contenders.get(name), threads, millis);
			}
		}
		return results;
	}

	private static Sample measureConcurrent(Work work, int threads, long millis) throws Exception {
		long[][] latencies = new long[threads][];
		int[] counts = new int[threads];
		Exception[] failures = new Exception[1];
		java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
		Thread[] workers = new Thread[threads];
		long[] window = new long[2];
		for (int t = 0; t < threads; t++) {
			int index = t;
			workers[t] = new Thread(() -> {
				long[] own = new long[1 << 14];
				int count = 0;
				try {
					start.await();
					long end = window[1];
					long now = System.nanoTime();
					while (now < end) {
						work.run();
						long done = System.nanoTime();
						if (count == own.length) {
							own = Arrays.copyOf(own, own.length * 2);
						}
						own[count++] = done - now;
						now = done;
					}
				}
				catch (Exception ex) {
					synchronized (failures) {
						failures[0] = ex;
					}
				}
				latencies[index] = own;
				counts[index] = count;
			}, "contender-" + t);
			workers[t].start();
		}
		window[0] = System.nanoTime();
		window[1] = window[0] + millis * 1_000_000;
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		long elapsed = Math.max(1, System.nanoTime() - window[0]);
		if (failures[0] != null) {
			throw failures[0];
		}
		int total = 0;
		for (int count : counts) {
			total += count;
		}
		long[] all = new long[total];
		int at = 0;
		for (int t = 0; t < threads; t++) {
			System.arraycopy(latencies[t], 0, all, at, counts[t]);
			at += counts[t];
		}
		Arrays.sort(all);
		double p50 = (total > 0) ? all[(int) (total * 0.50)] / 1000.0 : Double.NaN;
		double p99 = (total > 0) ? all[Math.min(total - 1, (int) (total * 0.99))] / 1000.0 : Double.NaN;
		return new Sample(total * 1e9 / elapsed, p50, p99);
	}

	/**
	 * @param results what {@link #runConcurrent} returned
	 * @return per contender, its throughput in each round
	 */
	static Map<String, double[]> throughputs(Map<String, Sample[]> results) {
		Map<String, double[]> throughputs = new LinkedHashMap<>();
		results.forEach((name, samples) -> throughputs.put(name,
				Arrays.stream(samples).mapToDouble(Sample::opsPerSecond).toArray()));
		return throughputs;
	}

	/**
	 * Prints a Markdown table: median and range per contender, and its ratio to the first.
	 * @param results per contender, its throughput in each round
	 */
	static void print(Map<String, double[]> results) {
		String baseline = results.keySet().iterator().next();
		double[] base = results.get(baseline);
		System.out.println("| contender | median ops/s | range (min–max) | median ratio to " + baseline
				+ " (per round, min–max) |");
		System.out.println("| --- | --- | --- | --- |");
		results.forEach((name, values) -> {
			double[] ratios = new double[values.length];
			for (int i = 0; i < values.length; i++) {
				ratios[i] = values[i] / base[i];
			}
			double[] sorted = values.clone();
			Arrays.sort(sorted);
			double[] sortedRatios = ratios.clone();
			Arrays.sort(sortedRatios);
			System.out.printf("| %s | %,.0f | %,.0f–%,.0f | %.1f %% (%.1f–%.1f %%) |%n", name, median(sorted), sorted[0],
					sorted[sorted.length - 1], 100 * median(sortedRatios), 100 * sortedRatios[0],
					100 * sortedRatios[sortedRatios.length - 1]);
		});
	}

	static double median(double[] sorted) {
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
