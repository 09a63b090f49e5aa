package io.github.rwsplit.routing;

import java.util.List;

import io.github.rwsplit.consistency.ConsistencyMode;
import io.github.rwsplit.consistency.ConsistencyToken;
import io.github.rwsplit.consistency.ConsistencyTracker;
import io.github.rwsplit.gtid.GtidSet;
import io.github.rwsplit.routing.RouteCounts.FallbackCause;

/**
 * Turns what work needs into a {@link Plan}, over one immutable topology snapshot: the group's
 * replicas in rotation, minus those that already failed this work's checkout, narrowed by the lag
 * budget, then read-your-writes ({@link PinFilter} or {@link ReadYourWritesFilter}), then either
 * the session's sticky replica ({@link StickyFilter}) or the balancer with slow start
 * ({@link SlowStartSelector}); when nothing is left, the fallback policy.
 *
 * <p>Pure: no I/O, no thread-local writes, no counters. The same inputs give the same plan (up to
 * the balancer's own rotation), so each rule can be tested with candidates in and a plan out.
 */
final class ReplicaPlanner {

	/**
	 * What this attempt at checking out already knows.
	 * @param excluded replicas that refused this work's checkout, or {@code null}
	 * @param waitedForReplica whether the work already waited for the topology (fallback {@code wait})
	 * @param verifiedSinceMillis a primary position measured after this proves a transaction missing; 0 for none
	 * @param cannotVerify whether no newer primary position came in time
	 * @param waitedForPrimary whether the work already waited for a writable primary
	 */
	record Attempt(List<String> excluded, boolean waitedForReplica, long verifiedSinceMillis, boolean cannotVerify,
			boolean waitedForPrimary) {

		static final Attempt FIRST = new Attempt(null, false, 0, false, false);

		Attempt excluding(String node) {
			List<String> more = new java.util.ArrayList<>((this.excluded != null) ? this.excluded : List.of());
			more.add(node);
			return new Attempt(more, this.waitedForReplica, this.verifiedSinceMillis, this.cannotVerify,
					this.waitedForPrimary);
		}

		/** @return this attempt with a node excluded before allowed again (one exclusion of it removed) */
		Attempt including(String node) {
			if (this.excluded == null || !this.excluded.contains(node)) {
				return this;
			}
			List<String> fewer = new java.util.ArrayList<>(this.excluded);
			fewer.remove(node);
			return new Attempt(fewer.isEmpty() ? null : fewer, this.waitedForReplica, this.verifiedSinceMillis,
					this.cannotVerify, this.waitedForPrimary);
		}

		Attempt afterWaitingForReplica() {
			return new Attempt(this.excluded, true, this.verifiedSinceMillis, this.cannotVerify, this.waitedForPrimary);
		}

		Attempt verifiedSince(long sinceMillis, boolean verified) {
			return new Attempt(this.excluded, this.waitedForReplica, verified ? sinceMillis : 0, !verified,
					this.waitedForPrimary);
		}

		Attempt afterWaitingForPrimary() {
			return new Attempt(this.excluded, this.waitedForReplica, this.verifiedSinceMillis, this.cannotVerify, true);
		}

	}

	/**
	 * What the current thread remembers between its checkouts: waits it made in vain, and the
	 * snapshot each failed on. A wait is not repeated while nothing says it could succeed now: the
	 * same snapshot, or replicas whose executed sets are known and still lack what was waited for.
	 * @param waitedInVain the last read-your-writes requirement it waited for in vain, or {@code null}
	 * @param waitedOn the snapshot that wait was planned on
	 * @param failedCatchUp the last primary position a sticky move failed to reach, or {@code null}
	 * @param catchUpOn the snapshot that move was planned on
	 * @param owner the router whose replicas were waited on: a thread may use several
	 */
	record Memo(GtidSet waitedInVain, RoutingTopology waitedOn, GtidSet failedCatchUp, RoutingTopology catchUpOn,
			Object owner) {

		static final Memo NONE = new Memo(null, null, null, null, null);

		/**
		 * @param router a router
		 * @return this memo if it is about that router's replicas, else none
		 */
		Memo of(Object router) {
			return (this.owner == router) ? this : NONE;
		}

		Memo waitFailed(GtidSet gtids, RoutingTopology topology, Object router) {
			Memo mine = of(router);
			return new Memo(gtids, topology, mine.failedCatchUp, mine.catchUpOn, router);
		}

		Memo catchUpFailed(GtidSet gtids, RoutingTopology topology, Object router) {
			Memo mine = of(router);
			return new Memo(mine.waitedInVain, mine.waitedOn, gtids, topology, router);
		}

		Memo caughtUp(Object router) {
			Memo mine = of(router);
			return (mine.failedCatchUp == null) ? this : new Memo(mine.waitedInVain, mine.waitedOn, null, null, router);
		}

		/**
		 * @param failed what was waited for in vain, or {@code null}
		 * @param failedOn the snapshot it failed on
		 * @param topology the snapshot now
		 * @param candidates the replicas that could be waited on now
		 * @return whether waiting again for {@code failed} is bound to fail
		 */
		static boolean stillHopeless(GtidSet failed, RoutingTopology failedOn, RoutingTopology topology,
				List<ReplicaNode> candidates) {
			if (failed == null) {
				return false;
			}
			if (topology == failedOn) {
				return true;
			}
			for (int i = 0; i < candidates.size(); i++) {
				ReplicaNode candidate = candidates.get(i);
				if (candidate.gtidExecuted() == null || candidate.hasExecuted(failed)) {
					return false;
				}
			}
			return true;
		}

	}

	private final ConsistencyTracker tracker;

	/**
	 * The plans that need nothing first, per replica of the latest snapshot, made once each: the
	 * normal read allocates no plan. A memo of values, invisible in what plans say.
	 */
	private volatile PlainPlans plainPlans;

	/** The wall clock, read only by the rules that need it (pin mode, verifying a token). */
	private final java.util.function.LongSupplier clock;

	ReplicaPlanner(ConsistencyTracker tracker) {
		this(tracker, System::currentTimeMillis);
	}

	ReplicaPlanner(ConsistencyTracker tracker, java.util.function.LongSupplier clock) {
		this.tracker = tracker;
		this.clock = clock;
	}

	/**
	 * @param intent what the work needs
	 * @param settings the router's settings
	 * @return whether planning it reads the session's consistency token; when not, the caller
	 * may pass {@link ConsistencyToken#EMPTY} and spare the thread-local lookup
	 */
	static boolean readsToken(RouteIntent intent, RoutingSettings settings) {
		return intent.route() == Route.REPLICA
				&& (settings.sticky() || intent.effectiveMode(settings) != ConsistencyMode.EVENTUAL);
	}

	/**
	 * The plan of the usual read, when nothing else applies: a replica wanted with no lag budget,
	 * in {@code eventual} mode, without sticky replicas, on the first attempt. The same plan
	 * {@link #plan} would make, taken in a few field reads.
	 * @param intent what the work needs
	 * @param topology the snapshot to plan over
	 * @param settings the router's settings
	 * @return the plan, or {@code null} when the read needs the general planner
	 */
	Plan.ToReplica planPlainRead(RouteIntent intent, RoutingTopology topology, RoutingSettings settings) {
		if (intent.route() != Route.REPLICA || intent.maxLagNanos() >= 0 || settings.sticky()
				|| intent.effectiveMode(settings) != ConsistencyMode.EVENTUAL) {
			return null;
		}
		List<ReplicaNode> candidates = topology.replicas(intent.group());
		if (candidates.isEmpty()) {
			return null;
		}
		ReplicaNode balanced = settings.balancer().balancerChoice(candidates);
		ReplicaNode node = settings.balancer().ramp(candidates, balanced);
		if (node != balanced) {
			return new Plan.ToReplica(node, Precondition.NONE, intent.reason(), Plan.StickyUpdate.NONE, null, true,
					GtidSet.EMPTY);
		}
		return plain(topology, node, intent.reason(), Plan.StickyUpdate.NONE);
	}

	/**
	 * @param intent what the work needs
	 * @param topology the snapshot to plan over
	 * @param settings the router's settings
	 * @param token the session's consistency token
	 * @param memo what the thread remembers
	 * @param attempt what this checkout already tried
	 * @return the plan
	 */
	Plan plan(RouteIntent intent, RoutingTopology topology, RoutingSettings settings, ConsistencyToken token, Memo memo,
			Attempt attempt) {
		if (intent.route() == Route.PRIMARY) {
			return (topology.primaryStatus() != RoutingTopology.PrimaryStatus.UP)
					? primaryUnavailable(intent, topology, settings, attempt) : Plan.wanted(intent.reason());
		}
		List<ReplicaNode> candidates = LagBudgetFilter.apply(topology.replicas(intent.group()), intent.maxLagNanos());
		candidates = ExcludedNodesFilter.apply(candidates, attempt.excluded());
		if (candidates.isEmpty()) {
			return fallback(intent, topology, settings, attempt);
		}
		ConsistencySettings consistency = settings.consistency();
		long waitTimeoutNanos = consistency.waitTimeout().toNanos();
		Plan.StickyUpdate onPrimary = settings.sticky() ? Plan.StickyUpdate.PRIMARY : Plan.StickyUpdate.NONE;
		Precondition precondition = Precondition.NONE;
		RouteReason reason = intent.reason();
		GtidSet ignored = GtidSet.EMPTY;
		ConsistencyMode mode = intent.effectiveMode(settings);
		if (mode == ConsistencyMode.PIN) {
			if (PinFilter.pinned(candidates, token, consistency, this.clock.getAsLong())) {
				return primaryForConsistency(intent, topology, settings, RouteReason.PINNED, onPrimary);
			}
		}
		else if (mode == ConsistencyMode.GTID || mode == ConsistencyMode.GLOBAL) {
			GtidSet required = (mode == ConsistencyMode.GLOBAL) ? this.tracker.newest().union(token.gtids())
					: token.gtids();
			if (!required.isEmpty()) {
				ReadYourWritesFilter.Narrowing narrowing = ReadYourWritesFilter.apply(candidates, topology,
						new ReadYourWritesFilter.Inputs(required, this.tracker.horizon(), attempt.verifiedSinceMillis(),
								attempt.cannotVerify(),
								Memo.stillHopeless(memo.waitedInVain(), memo.waitedOn(), topology, candidates)
										? memo.waitedInVain() : null),
						waitTimeoutNanos);
				if (narrowing.verify()) {
					return new Plan.AwaitPrimaryPosition(this.clock.getAsLong(), waitTimeoutNanos);
				}
				if (narrowing.toPrimary()) {
					return primaryForConsistency(intent, topology, settings, RouteReason.FALLBACK, onPrimary);
				}
				candidates = narrowing.candidates();
				precondition = narrowing.precondition();
				reason = (narrowing.reason() != null) ? narrowing.reason() : reason;
				ignored = narrowing.ignored();
			}
		}
		ReplicaNode node;
		Plan.StickyUpdate sticky = Plan.StickyUpdate.NONE;
		boolean deferred = false;
		if (settings.sticky()) {
			StickyFilter.Choice choice = StickyFilter.choose(candidates, precondition, token, topology.primaryExecuted(),
					waitTimeoutNanos, settings.balancer(),
					Memo.stillHopeless(memo.failedCatchUp(), memo.catchUpOn(), topology, candidates));
			if (choice.node() == null) {
				return primaryForConsistency(intent, topology, settings, RouteReason.FALLBACK, Plan.StickyUpdate.PRIMARY);
			}
			node = choice.node();
			precondition = choice.precondition();
			sticky = choice.update();
		}
		else {
			ReplicaNode balanced = settings.balancer().balancerChoice(candidates);
			node = settings.balancer().ramp(candidates, balanced);
			deferred = node != balanced;
		}
		if (precondition instanceof Precondition.None && !deferred && ignored.isEmpty()) {
			return plain(topology, node, reason, sticky);
		}
		Plan onFailed = (precondition instanceof Precondition.None) ? null
				: primaryForConsistency(intent, topology, settings, RouteReason.FALLBACK, onPrimary);
		return new Plan.ToReplica(node, precondition, reason, sticky, onFailed, deferred, ignored);
	}

	private Plan.ToReplica plain(RoutingTopology topology, ReplicaNode node, RouteReason reason,
			Plan.StickyUpdate sticky) {
		PlainPlans plans = this.plainPlans;
		if (plans == null || plans.topology != topology) {
			plans = new PlainPlans(topology);
			this.plainPlans = plans;
		}
		return plans.get(node, reason, sticky);
	}

	/** Plain replica plans for the nodes of one snapshot, filled as they are first needed. */
	private static final class PlainPlans {

		private static final int REASONS = RouteReason.values().length;

		private final RoutingTopology topology;

		private final List<ReplicaNode> nodes;

		private final Plan.ToReplica[][] byNode;

		PlainPlans(RoutingTopology topology) {
			this.topology = topology;
			this.nodes = topology.replicas();
			this.byNode = new Plan.ToReplica[this.nodes.size()][REASONS * Plan.StickyUpdate.values().length];
		}

		Plan.ToReplica get(ReplicaNode node, RouteReason reason, Plan.StickyUpdate sticky) {
			int position = -1;
			for (int i = 0; i < this.nodes.size(); i++) {
				if (this.nodes.get(i) == node) {
					position = i;
					break;
				}
			}
			if (position < 0) {
				return create(node, reason, sticky);
			}
			Plan.ToReplica[] plans = this.byNode[position];
			int index = sticky.ordinal() * REASONS + reason.ordinal();
			Plan.ToReplica plan = plans[index];
			if (plan == null) {
				// Racing threads may each make one; they are equal values, and records publish safely.
				plan = create(node, reason, sticky);
				plans[index] = plan;
			}
			return plan;
		}

		private static Plan.ToReplica create(ReplicaNode node, RouteReason reason, Plan.StickyUpdate sticky) {
			return new Plan.ToReplica(node, Precondition.NONE, reason, sticky, null, false, GtidSet.EMPTY);
		}

	}

	/**
	 * Work that needs a writable primary while none is known: it waits once, bounded, for the
	 * monitor to find one (a switchover or failover usually completes within a few checks), then
	 * fails with the state. Never while two nodes are writable: which one is right is for people to
	 * decide, and waiting would only delay the error.
	 */
	private static Plan primaryUnavailable(RouteIntent intent, RoutingTopology topology, RoutingSettings settings,
			Attempt attempt) {
		long await = settings.awaitPrimaryNanos();
		if (await > 0 && !attempt.waitedForPrimary()
				&& topology.primaryStatus() != RoutingTopology.PrimaryStatus.SPLIT_BRAIN) {
			return new Plan.AwaitPrimary(await);
		}
		return new Plan.Refuse(Plan.Refusal.PRIMARY_DOWN, intent, false);
	}

	/**
	 * Reads may use the primary while it answers, writable or not; only a primary that does not
	 * answer is no fallback.
	 */
	private static boolean primaryReadable(RoutingTopology topology) {
		return topology.primaryStatus() != RoutingTopology.PrimaryStatus.DOWN;
	}

	/** The primary for a read the session's own token sent there; refused while the primary is down. */
	private static Plan primaryForConsistency(RouteIntent intent, RoutingTopology topology, RoutingSettings settings,
			RouteReason reason, Plan.StickyUpdate sticky) {
		if (!primaryReadable(topology)) {
			return new Plan.Refuse(Plan.Refusal.NO_REPLICA, intent, true);
		}
		return new Plan.ToPrimary(reason, (reason == RouteReason.PINNED) ? null : FallbackCause.CONSISTENCY,
				settings.primaryReadsCapped(), sticky);
	}

	/** What a read does when no replica of its group qualifies. */
	private static Plan fallback(RouteIntent intent, RoutingTopology topology, RoutingSettings settings,
			Attempt attempt) {
		ReplicaFallback fallback = settings.fallback();
		switch (fallback.policy()) {
			case PRIMARY:
				if (!primaryReadable(topology)) {
					return new Plan.Refuse(Plan.Refusal.NO_REPLICA, intent, false);
				}
				return settings.primaryReadsCapped() ? Fallbacks.GUARDED : Fallbacks.UNGUARDED;
			case WAIT:
				return attempt.waitedForReplica() ? new Plan.Refuse(Plan.Refusal.NO_REPLICA, intent, false)
						: new Plan.AwaitReplica(fallback.waitTimeout().toNanos());
			default:
				return new Plan.Refuse(Plan.Refusal.NO_REPLICA, intent, false);
		}
	}

	/** The two fallback plans of policy {@code primary}, shared. */
	private static final class Fallbacks {

		static final Plan GUARDED = new Plan.ToPrimary(RouteReason.FALLBACK, FallbackCause.NO_REPLICA, true,
				Plan.StickyUpdate.NONE);

		static final Plan UNGUARDED = new Plan.ToPrimary(RouteReason.FALLBACK, FallbackCause.NO_REPLICA, false,
				Plan.StickyUpdate.NONE);

	}

}
