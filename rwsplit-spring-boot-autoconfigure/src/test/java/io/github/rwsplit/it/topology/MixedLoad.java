package io.github.rwsplit.it.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.it.topology.TopologyApp.Answer;

/**
 * Reader and writer threads against a running application, recording what happened to every
 * write and every failed read, so that a test can prove where writes went and when they came back.
 *
 * <p>Writers insert uniquely numbered rows (never retried under the same id) into the load's table
 * through {@link TopologyApp.Ops#write}, a read-write transaction that first asks the server who it
 * is; readers run {@link TopologyApp.Ops#read}, a read-only transaction that does the same. Each
 * write is kept with when it started and ended, which server answered (and whether that server
 * said it was read-only) and its error, if any. Reads are counted per server; failed ones are kept.
 *
 * <p>Every thread pauses {@code pause} between operations. That is the shape of the load, not a
 * synchronisation: on a two-core machine shared with three servers, threads that never pause take
 * the cores the monitor needs and measure the machine instead of rwsplit. It also bounds how soon a
 * thread tries again after a failure, so it is part of the margins the tests allow.
 *
 * <p>Not responsible for judging anything: tests and the harness do that from what it recorded.
 */
final class MixedLoad implements AutoCloseable {

	/** How long {@link #stop()} waits for the threads, all together. */
	static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	/** The tests' pause between one thread's operations. */
	static final Duration PAUSE = Duration.ofMillis(10);

	/**
	 * One write attempt.
	 *
	 * @param id the row's id
	 * @param writer the writer's number
	 * @param started when the call began
	 * @param finished when it returned or threw
	 * @param answer which server the transaction ran on, {@link Answer#NONE} when it reached none
	 * @param error the failure's messages down the cause chain, {@code null} when acknowledged
	 */
	record Write(long id, int writer, Instant started, Instant finished, Answer answer, String error) {

		boolean acknowledged() {
			return this.error == null;
		}

		Duration duration() {
			return Duration.between(this.started, this.finished);
		}

		@Override
		public String toString() {
			return "write " + this.id + " [" + this.started + " .. " + this.finished + ", " + duration().toMillis()
					+ " ms] on " + this.answer + ((this.error != null) ? " failed: " + this.error : " acknowledged");
		}

	}

	/**
	 * One failed read.
	 *
	 * @param started when the call began
	 * @param finished when it threw
	 * @param error the failure's messages down the cause chain
	 */
	record FailedRead(Instant started, Instant finished, String error) {
	}

	private final TopologyApp.Ops ops;

	private final String table;

	private final Duration pause;

	private final AtomicLong ids;

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running = true;

	private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<FailedRead> failedReads = new ConcurrentLinkedQueue<>();

	private final Map<Long, LongAdder> readsByServer = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<Throwable> crashes = new ConcurrentLinkedQueue<>();

	private boolean stopped;

	private MixedLoad(TopologyApp.Ops ops, String table, long firstId, Duration pause) {
		this.ops = ops;
		this.table = TopologyApp.checked(table);
		this.ids = new AtomicLong(firstId - 1);
		this.pause = pause;
	}

	/**
	 * Starts readers and writers against an application.
	 * @param app the application
	 * @param table a table made with {@link TopologyApp#createLoadTable(String)}, present on
	 * every node
	 * @param readers how many reader threads
	 * @param writers how many writer threads
	 * @return the running load; {@link #stop()} or close it
	 */
	static MixedLoad start(TopologyApp app, String table, int readers, int writers) {
		return start(app, table, readers, writers, 1, PAUSE);
	}

	/**
	 * Starts readers and writers against an application.
	 * @param app the application
	 * @param table a table made with {@link TopologyApp#createLoadTable(String)}
	 * @param readers how many reader threads
	 * @param writers how many writer threads
	 * @param firstId the first id to write, for a table that already has rows
	 * @param pause the pause between one thread's operations
	 * @return the running load
	 */
	static MixedLoad start(TopologyApp app, String table, int readers, int writers, long firstId, Duration pause) {
		MixedLoad load = new MixedLoad(app.ops, table, firstId, pause);
		for (int i = 0; i < writers; i++) {
			int writer = i;
			load.spawn("mixed-load-writer-" + i, () -> load.write(writer));
		}
		for (int i = 0; i < readers; i++) {
			load.spawn("mixed-load-reader-" + i, load::read);
		}
		return load;
	}

	private void spawn(String name, Runnable step) {
		Thread thread = new Thread(() -> {
			// Writers' read-your-writes tokens belong to this thread's session only, and must not
			// outlive it should the thread's locals be looked at again.
			ConsistencyContext.clear();
			try {
				while (this.running) {
					step.run();
					LockSupport.parkNanos(this.pause.toNanos());
				}
			}
			catch (Throwable ex) {
				this.crashes.add(ex);
			}
			finally {
				ConsistencyContext.clear();
			}
		}, name);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private void write(int writer) {
		long id = this.ids.incrementAndGet();
		AtomicReference<Answer> answer = new AtomicReference<>(Answer.NONE);
		Instant started = Instant.now();
		String error = null;
		try {
			this.ops.write(this.table, id, writer, answer::set);
		}
		catch (RuntimeException ex) {
			error = messages(ex);
		}
		this.writes.add(new Write(id, writer, started, Instant.now(), answer.get(), error));
	}

	private void read() {
		Instant started = Instant.now();
		try {
			Answer answer = this.ops.read(this.table);
			this.readsByServer.computeIfAbsent(answer.serverId(), (id) -> new LongAdder()).increment();
		}
		catch (RuntimeException ex) {
			this.failedReads.add(new FailedRead(started, Instant.now(), messages(ex)));
		}
	}

	/**
	 * An exception's messages down its cause chain, so that a fragment is found wherever a layer
	 * (Spring's translation, the driver, rwsplit) put it.
	 * @param ex the exception
	 * @return {@code Type: message <- Type: message ...}
	 */
	static String messages(Throwable ex) {
		StringBuilder text = new StringBuilder();
		Set<Throwable> seen = new HashSet<>();
		for (Throwable cause = ex; cause != null && seen.add(cause); cause = cause.getCause()) {
			if (text.length() > 0) {
				text.append(" <- ");
			}
			text.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
		}
		return text.toString();
	}

	/**
	 * Stops every thread and waits for them, at most {@link #STOP_TIMEOUT} in all; each operation is
	 * itself bounded by the application's timeouts. Idempotent.
	 * @throws IllegalStateException naming the threads that did not stop, with what they were doing,
	 * or a thread that crashed
	 */
	void stop() {
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		this.running = false;
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		List<String> stuck = new ArrayList<>();
		for (Thread thread : this.threads) {
			try {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (thread.isAlive()) {
				StringBuilder trace = new StringBuilder(thread.getName());
				for (StackTraceElement frame : thread.getStackTrace()) {
					trace.append("\n\tat ").append(frame);
				}
				stuck.add(trace.toString());
				thread.interrupt();
			}
		}
		if (!stuck.isEmpty()) {
			throw new IllegalStateException("Load threads did not stop within " + STOP_TIMEOUT + ":\n" + stuck);
		}
		if (!this.crashes.isEmpty()) {
			IllegalStateException failure = new IllegalStateException("A load thread crashed");
			this.crashes.forEach(failure::addSuppressed);
			throw failure;
		}
	}

	@Override
	public void close() {
		stop();
	}

	/** @return the load's table */
	String table() {
		return this.table;
	}

	/** @return every write attempt so far, in the order they started */
	List<Write> writes() {
		List<Write> all = new ArrayList<>(this.writes);
		all.sort(Comparator.comparing(Write::started));
		return all;
	}

	/**
	 * @param matching which writes
	 * @return the writes so far that match, in the order they started
	 */
	List<Write> writes(Predicate<Write> matching) {
		return writes().stream().filter(matching).toList();
	}

	/** @return the ids of every acknowledged write so far */
	Set<Long> acknowledgedIds() {
		Set<Long> ids = new HashSet<>();
		for (Write write : this.writes) {
			if (write.acknowledged()) {
				ids.add(write.id());
			}
		}
		return ids;
	}

	/** @return the ids of every write attempted so far, acknowledged or not */
	Set<Long> attemptedIds() {
		Set<Long> ids = new HashSet<>();
		for (Write write : this.writes) {
			ids.add(write.id());
		}
		return ids;
	}

	/** @return the failed writes so far, in the order they started */
	List<Write> failedWrites() {
		return writes((write) -> !write.acknowledged());
	}

	/** @return the failed reads so far */
	List<FailedRead> failedReads() {
		List<FailedRead> all = new ArrayList<>(this.failedReads);
		all.sort(Comparator.comparing(FailedRead::started));
		return all;
	}

	/** @return how many reads succeeded so far */
	long reads() {
		return this.readsByServer.values().stream().mapToLong(LongAdder::sum).sum();
	}

	/** @return successful reads so far per {@code @@server_id} */
	Map<Long, Long> readsByServer() {
		Map<Long, Long> counts = new TreeMap<>();
		this.readsByServer.forEach((server, count) -> counts.put(server, count.sum()));
		return counts;
	}

	/**
	 * The first write acknowledged by a server, among writes that started at or after a time.
	 * @param serverId the server's {@code @@server_id}
	 * @param notBefore the earliest start
	 * @return the write that was acknowledged first, or {@code null}
	 */
	Write firstAcknowledgedOn(long serverId, Instant notBefore) {
		Write first = null;
		for (Write write : this.writes) {
			if (write.acknowledged() && write.answer().serverId() == serverId && !write.started().isBefore(notBefore)
					&& (first == null || write.finished().isBefore(first.finished()))) {
				first = write;
			}
		}
		return first;
	}

	/**
	 * @param serverId a server's {@code @@server_id}
	 * @param notBefore the earliest start
	 * @return how many writes it acknowledged among those that started at or after a time
	 */
	long acknowledgedOn(long serverId, Instant notBefore) {
		return this.writes.stream()
			.filter((write) -> write.acknowledged() && write.answer().serverId() == serverId
					&& !write.started().isBefore(notBefore))
			.count();
	}

	/** @return the longest write so far, or {@code null} when there was none */
	Write longestWrite() {
		return this.writes.stream().max(Comparator.comparing(Write::duration)).orElse(null);
	}

	/**
	 * Failure messages grouped, for reports: numbers replaced by {@code #} (ids and ports differ
	 * from one failure to the next), cut at 160 characters, with how often each occurred.
	 * @param messages the messages
	 * @return message to count, most frequent first
	 */
	static Map<String, Long> tally(List<String> messages) {
		Map<String, Long> counts = new TreeMap<>();
		for (String message : messages) {
			String key = message.replaceAll("[0-9]+", "#");
			counts.merge(key.substring(0, Math.min(160, key.length())), 1L, Long::sum);
		}
		Map<String, Long> sorted = new LinkedHashMap<>();
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.forEach((entry) -> sorted.put(entry.getKey(), entry.getValue()));
		return sorted;
	}

	/** @return a one-line summary, for failure messages and reports */
	String summary() {
		List<Write> all = writes();
		long acknowledged = all.stream().filter(Write::acknowledged).count();
		return "writes=" + all.size() + " acknowledged=" + acknowledged + " failed=" + (all.size() - acknowledged)
				+ " reads=" + reads() + " failed-reads=" + this.failedReads.size() + " reads-by-server=" + readsByServer()
				+ " write-failures=" + tally(all.stream().filter((w) -> !w.acknowledged()).map(Write::error).toList())
				+ " read-failures=" + tally(failedReads().stream().map(FailedRead::error).toList());
	}

}
