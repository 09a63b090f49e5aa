package io.github.rwsplit.barrier;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.github.rwsplit.consistency.CommittedGtids;
import io.github.rwsplit.consistency.ConsistencyContext;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.gtid.GtidStatements;
import io.github.rwsplit.gtid.WaitPermits;
import io.github.rwsplit.routing.JdbcUrls;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.WaitObserver;

/**
 * Makes a write wait until replicas have applied it: the synchronisation point for writes that
 * must be visible on replicas before the caller goes on (a cache invalidation, an e-mail with a
 * link that will be read from a replica), without synchronous replication.
 *
 * <p>{@code @Primary(awaitReplicas = N)} uses it around a method; {@link #mark()} with
 * {@link #awaitSince}, and {@link #await}, are the programmatic forms. Replicas the lag monitor already knows to have
 * the commits count at once; the others are asked in parallel with
 * {@code WAIT_FOR_EXECUTED_GTID_SET}, each on a connection from its own pool, all bounded by one
 * deadline, on the server and on the client ({@link GtidStatements#awaitApplied}). Every replica's
 * wait is handed to a thread of the barrier's own before the barrier looks at any answer, and the
 * barrier returns as soon as enough replicas have the commits (or too few can still answer).
 * Replicas still waiting then finish in the background when they apply the commits or reach the
 * deadline, holding their connection, a thread and a permit until then.
 *
 * <p>Waits are capped per replica by the router's {@link WaitPermits}, so that barriers never take
 * more than that many connections of a replica's pool. A wait that finds no permit free, or no
 * thread, is not queued and never runs on the caller's thread: that replica counts as not
 * applied ("not asked: too many concurrent waits"), and the others may still meet the barrier.
 *
 * <p>Only replicas in rotation count: one out of rotation serves no reads. Needs GTIDs on the
 * primary ({@code gtid_mode=ON}), whose commits rwsplit captures from MySQL's replies.
 */
public class WriteBarrier implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(WriteBarrier.class);

	/** Why a replica was not asked: no permit or no thread was free. */
	static final String TOO_MANY_WAITS = "not asked: too many concurrent waits";

	private final ReadWriteRoutingDataSource router;

	private final Duration timeout;

	private final BarrierTimeoutPolicy onTimeout;

	private final ThreadPoolExecutor executor;

	private final WaitPermits permits;

	private final LongAdder[] outcomes = new LongAdder[BarrierResult.Outcome.values().length];

	private volatile Recorder recorder = Recorder.NONE;

	/** Told how each barrier ended, for metrics. */
	@FunctionalInterface
	public interface Recorder {

		/** Records nothing. */
		Recorder NONE = (result) -> {
		};

		/**
		 * A barrier ended.
		 * @param result how
		 */
		void record(BarrierResult result);

	}

	/**
	 * Creates a barrier.
	 * @param router the router whose replicas it waits for
	 * @param timeout the default bound on a barrier
	 * @param onTimeout what happens by default when the bound passes; not {@code DEFAULT}
	 */
	public WriteBarrier(ReadWriteRoutingDataSource router, Duration timeout, BarrierTimeoutPolicy onTimeout) {
		this.router = Objects.requireNonNull(router, "router");
		this.timeout = requireTimeout(timeout);
		if (onTimeout == null || onTimeout == BarrierTimeoutPolicy.DEFAULT) {
			throw new IllegalArgumentException("the default timeout policy must be FAIL or WARN, was " + onTimeout);
		}
		this.onTimeout = onTimeout;
		this.permits = router.getWaitPermits();
		AtomicInteger threads = new AtomicInteger();
		// Every wait holds a permit, so the permits of all replicas bound the waits running at once.
		// No queue: a task that finds no thread is refused (AbortPolicy), never run on the caller's
		// thread; maxThreads leaves room so that this does not happen to a wait that holds a permit.
		this.executor = new ThreadPoolExecutor(0, maxThreads(router), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "rwsplit-barrier-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.AbortPolicy());
		for (int i = 0; i < this.outcomes.length; i++) {
			this.outcomes[i] = new LongAdder();
		}
	}

	/**
	 * Twice the permits of all replicas: a thread gives its permit back a moment before it is ready
	 * for the next task, and without the headroom a wait that just took that permit could find
	 * every thread busy. Idle threads end after 30 s, so the headroom costs nothing unused.
	 */
	private static int maxThreads(ReadWriteRoutingDataSource router) {
		long permits = 0;
		for (ReplicaNode replica : router.getReplicas()) {
			permits += router.getWaitPermits().max(replica.name());
		}
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, 2 * permits));
	}

	private static Duration requireTimeout(Duration timeout) {
		if (timeout == null || timeout.isNegative()) {
			throw new IllegalArgumentException("the write-barrier timeout must be zero or positive, was " + timeout);
		}
		return timeout;
	}

	/** @return the default bound on a barrier */
	public Duration getTimeout() {
		return this.timeout;
	}

	/** @return what happens by default when the bound passes */
	public BarrierTimeoutPolicy getOnTimeout() {
		return this.onTimeout;
	}

	/**
	 * @param outcome an outcome
	 * @return how many barriers ended that way
	 */
	public LongAdder outcomes(BarrierResult.Outcome outcome) {
		return this.outcomes[outcome.ordinal()];
	}

	/** @param recorder told how each barrier ended */
	public void setRecorder(Recorder recorder) {
		this.recorder = Objects.requireNonNull(recorder, "recorder");
	}

	/**
	 * Where the current thread stands: how many commits it has made and the latest one's GTID, and
	 * when its session last wrote. Take one before the writes, then pass it to {@link #awaitSince}.
	 *
	 * @param commits how many commits the thread has made whose GTID was captured
	 * @param latestCommit the latest one's GTID, empty when none
	 * @param lastWriteMillis when the thread's session last wrote, 0 when never
	 */
	public record Mark(long commits, GtidSet latestCommit, long lastWriteMillis) {
	}

	/** @return where the current thread stands now */
	public static Mark mark() {
		return new Mark(CommittedGtids.count(), CommittedGtids.latest(),
				ConsistencyContext.currentToken().lastWriteMillis());
	}

	/**
	 * Waits until replicas have applied what the current thread committed since a mark, then
	 * applies the timeout policy. {@code @Primary(awaitReplicas = ...)} does this around its method.
	 * @param before the mark taken before the writes
	 * @param replicas how many replicas must have them, or {@link io.github.rwsplit.annotation.Primary#ALL}
	 * @param group the replica group, or {@code null} for the default group
	 * @param timeout the bound, or {@code null} for the default
	 * @param onTimeout what to do when it is not met, or {@code null}/{@code DEFAULT} for the default
	 * @return how it ended (when it did not throw)
	 * @throws WriteBarrierException when it was not met and the policy is to fail
	 */
	public BarrierResult awaitSince(Mark before, int replicas, @Nullable String group, @Nullable Duration timeout,
			@Nullable BarrierTimeoutPolicy onTimeout) {
		return awaitBetween(before, mark(), replicas, group, timeout, onTimeout);
	}

	/**
	 * Waits until replicas have applied what was committed between two marks of one thread, then
	 * applies the timeout policy.
	 * @param before the earlier mark
	 * @param after the later mark
	 * @param replicas how many replicas must have them, or {@link io.github.rwsplit.annotation.Primary#ALL}
	 * @param group the replica group, or {@code null} for the default group
	 * @param timeout the bound, or {@code null} for the default
	 * @param onTimeout what to do when it is not met, or {@code null}/{@code DEFAULT} for the default
	 * @return how it ended (when it did not throw)
	 * @throws WriteBarrierException when it was not met and the policy is to fail
	 */
	public BarrierResult awaitBetween(Mark before, Mark after, int replicas, @Nullable String group,
			@Nullable Duration timeout, @Nullable BarrierTimeoutPolicy onTimeout) {
		BarrierResult result;
		if (after.commits() != before.commits()) {
			// The latest commit itself: a replica that preserves commit order and applied it applied the
			// earlier ones too. Never widened to uuid:1-N, which under Group Replication names
			// transactions that never exist.
			result = await(after.latestCommit(), replicas, group, timeout);
		}
		else {
			// A write time but no GTID: either the primary has no GTIDs, or the work committed nothing
			// (MySQL gives a transaction that changed no row, such as an idempotent UPDATE, no GTID).
			// Only the primary's gtid_mode, as the monitor read it, tells the two apart.
			boolean wrote = after.lastWriteMillis() != before.lastWriteMillis()
					&& !Boolean.TRUE.equals(this.router.primaryHasGtids());
			result = finish(new BarrierResult(wrote ? BarrierResult.Outcome.NO_GTID : BarrierResult.Outcome.NOTHING_TO_AWAIT,
					GtidSet.EMPTY, groupName(group), replicas, List.of(), Map.of(), Duration.ZERO));
		}
		return settle(result, onTimeout);
	}

	/**
	 * Waits until replicas have applied a set of commits. Never throws for a barrier not met: the
	 * result says how it ended.
	 * @param gtids the commits
	 * @param replicas how many replicas must have them (at least 1), or
	 * {@link io.github.rwsplit.annotation.Primary#ALL} for every replica of the group in rotation
	 * @param group the replica group, or {@code null} for the default group
	 * @param timeout the bound, or {@code null} for the default
	 * @return how it ended
	 */
	public BarrierResult await(GtidSet gtids, int replicas, @Nullable String group, @Nullable Duration timeout) {
		long started = System.nanoTime();
		String groupName = groupName(group);
		if (gtids.isEmpty()) {
			return finish(new BarrierResult(BarrierResult.Outcome.NOTHING_TO_AWAIT, gtids, groupName, replicas, List.of(),
					Map.of(), Duration.ZERO));
		}
		if (replicas < 1 && replicas != io.github.rwsplit.annotation.Primary.ALL) {
			throw new IllegalArgumentException("a write barrier needs at least 1 replica (or Primary.ALL), was " + replicas);
		}
		long deadline = started + requireTimeout((timeout != null) ? timeout : this.timeout).toNanos();
		List<ReplicaNode> inRotation = this.router.getTopology().replicas(groupName);
		int required = (replicas == io.github.rwsplit.annotation.Primary.ALL) ? Math.max(1, inRotation.size()) : replicas;
		List<String> applied = new ArrayList<>();
		Map<String, String> notApplied = new LinkedHashMap<>();
		List<ReplicaNode> toAsk = new ArrayList<>();
		for (ReplicaNode replica : inRotation) {
			if (replica.hasExecuted(gtids)) {
				applied.add(replica.name());
			}
			else {
				toAsk.add(replica);
			}
		}
		if (inRotation.size() < required) {
			toAsk.forEach((replica) -> notApplied.put(replica.name(), "not known to have it"));
			return finish(new BarrierResult(BarrierResult.Outcome.TOO_FEW_REPLICAS, gtids, groupName, required,
					List.copyOf(applied), notApplied, Duration.ofNanos(System.nanoTime() - started)));
		}
		if (applied.size() < required) {
			// Observed only when replicas are asked: a barrier the monitor's positions already meet waits for nothing.
			WaitObserver.Wait wait = this.router.getWaitObserver()
				.start(WaitObserver.Reason.WRITE_BARRIER, WaitObserver.NO_NODE);
			WaitObserver.Outcome outcome = WaitObserver.Outcome.ERROR;
			try {
				ask(toAsk, gtids, deadline, required, applied, notApplied);
				outcome = (applied.size() >= required) ? WaitObserver.Outcome.REACHED
						: Thread.currentThread().isInterrupted() ? WaitObserver.Outcome.ERROR
								: WaitObserver.Outcome.TIMEOUT;
			}
			finally {
				wait.stop(outcome);
			}
		}
		BarrierResult.Outcome outcome = (applied.size() >= required) ? BarrierResult.Outcome.MET
				: BarrierResult.Outcome.TIMED_OUT;
		return finish(new BarrierResult(outcome, gtids, groupName, required, List.copyOf(applied), notApplied,
				Duration.ofNanos(System.nanoTime() - started)));
	}

	private void ask(List<ReplicaNode> toAsk, GtidSet gtids, long deadline, int required, List<String> applied,
			Map<String, String> notApplied) {
		CompletionService<String[]> answers = new ExecutorCompletionService<>(this.executor);
		Map<Future<String[]>, String> asked = new LinkedHashMap<>();
		// Every wait is submitted before any answer is awaited, so one slow replica never delays asking another.
		for (ReplicaNode replica : toAsk) {
			String name = replica.name();
			if (!this.permits.tryAcquire(name)) {
				notApplied.put(name, TOO_MANY_WAITS);
				continue;
			}
			try {
				asked.put(answers.submit(() -> waitOn(replica, gtids, deadline)), name);
			}
			catch (RejectedExecutionException ex) {
				this.permits.release(name);
				notApplied.put(name, TOO_MANY_WAITS);
			}
		}
		int outstanding = asked.size();
		try {
			while (applied.size() < required && applied.size() + outstanding >= required) {
				// The waits end by the deadline themselves; the margin covers their last round trip.
				long left = deadline - System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
				Future<String[]> answer = answers.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
				if (answer == null) {
					break;
				}
				outstanding--;
				String name = asked.remove(answer);
				String[] result = answered(answer, name);
				if (result[1] == null) {
					applied.add(result[0]);
				}
				else {
					notApplied.put(result[0], result[1]);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		for (String replica : asked.values()) {
			notApplied.putIfAbsent(replica, "not applied yet");
		}
	}

	private static String[] answered(Future<String[]> answer, String name) throws InterruptedException {
		try {
			return answer.get();
		}
		catch (ExecutionException ex) {
			// waitOn catches everything it expects; anything else leaves the replica as not applied.
			return new String[] { name, "could not ask: " + JdbcUrls.sanitize(String.valueOf(ex.getCause())) };
		}
	}

	/**
	 * Runs on a barrier thread holding the replica's permit, which it gives back whatever happens.
	 * @return the replica's name and {@code null} when it applied the commits, else why not
	 */
	private String[] waitOn(ReplicaNode replica, GtidSet gtids, long deadline) {
		try (Connection connection = replica.dataSource().getConnection()) {
			long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (left <= 0) {
				// The checkout took the whole bound: asking now could only time out.
				return new String[] { replica.name(), "not applied yet" };
			}
			return new String[] { replica.name(), GtidStatements.awaitApplied(connection, gtids, left) ? null : "not applied yet" };
		}
		catch (SQLException ex) {
			String message = String.valueOf(ex.getMessage());
			int newline = message.indexOf('\n');
			return new String[] { replica.name(),
					"could not ask: " + JdbcUrls.sanitize((newline < 0) ? message : message.substring(0, newline)) };
		}
		finally {
			this.permits.release(replica.name());
		}
	}

	private String groupName(String group) {
		return (group != null && !group.isEmpty()) ? group : this.router.getTopology().defaultGroup();
	}

	private BarrierResult finish(BarrierResult result) {
		this.outcomes[result.outcome().ordinal()].increment();
		this.recorder.record(result);
		return result;
	}

	private BarrierResult settle(BarrierResult result, BarrierTimeoutPolicy onTimeout) {
		if (result.met()) {
			return result;
		}
		BarrierTimeoutPolicy policy = (onTimeout == null || onTimeout == BarrierTimeoutPolicy.DEFAULT) ? this.onTimeout
				: onTimeout;
		if (policy == BarrierTimeoutPolicy.FAIL) {
			throw new WriteBarrierException(result);
		}
		logger.warn(result.describe());
		return result;
	}

	/** Stops the threads that ask replicas; waits in progress end at their deadline. */
	@Override
	public void close() {
		this.executor.shutdown();
	}

}
