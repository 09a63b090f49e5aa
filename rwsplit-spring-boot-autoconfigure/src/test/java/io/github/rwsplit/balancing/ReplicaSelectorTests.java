package io.github.rwsplit.balancing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.ReplicaSelector;
import io.github.rwsplit.routing.ResponseTime;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Distribution of each strategy over stub replicas. Random strategies are checked over 60,000
 * choices against a tolerance of 3 percentage points, which a correct implementation misses
 * with negligible probability.
 */
class ReplicaSelectorTests {

	private static final int DRAWS = 60_000;

	private static ReplicaNode node(String name, int weight, AtomicInteger active) {
		return new ReplicaNode(name, "default", weight, new StubDataSource(name), active::get);
	}

	private static ReplicaNode node(String name, int weight) {
		return node(name, weight, new AtomicInteger());
	}

	private static Map<String, Double> shares(ReplicaSelector selector, List<ReplicaNode> candidates) {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < DRAWS; i++) {
			counts.merge(selector.select(candidates).name(), 1, Integer::sum);
		}
		Map<String, Double> shares = new HashMap<>();
		counts.forEach((name, count) -> shares.put(name, count / (double) DRAWS));
		return shares;
	}

	@Test
	void roundRobinVisitsEachReplicaInTurn() {
		List<ReplicaNode> candidates = List.of(node("a", 1), node("b", 1), node("c", 1));
		ReplicaSelector selector = LoadBalancing.ROUND_ROBIN.createSelector();
		StringBuilder order = new StringBuilder();
		for (int i = 0; i < 7; i++) {
			order.append(selector.select(candidates).name());
		}
		assertThat(order).hasToString("abcabca");
	}

	@Test
	void roundRobinKeepsGoingPastIntegerOverflow() throws Exception {
		RoundRobinReplicaSelector selector = new RoundRobinReplicaSelector();
		var position = RoundRobinReplicaSelector.class.getDeclaredField("position");
		position.setAccessible(true);
		((AtomicInteger) position.get(selector)).set(Integer.MAX_VALUE);
		List<ReplicaNode> candidates = List.of(node("a", 1), node("b", 1));
		for (int i = 0; i < 4; i++) {
			assertThat(selector.select(candidates)).isIn(candidates);
		}
	}

	@Test
	void randomSpreadsEvenly() {
		List<ReplicaNode> candidates = List.of(node("a", 1), node("b", 1), node("c", 1));
		Map<String, Double> shares = shares(LoadBalancing.RANDOM.createSelector(), candidates);
		assertThat(shares).hasSize(3);
		shares.values().forEach((share) -> assertThat(share).isCloseTo(1 / 3.0, within(0.03)));
	}

	@Test
	void weightedHonoursWeights() {
		List<ReplicaNode> candidates = List.of(node("a", 2), node("b", 1), node("c", 1));
		Map<String, Double> shares = shares(LoadBalancing.WEIGHTED.createSelector(), candidates);
		assertThat(shares.get("a")).isCloseTo(0.5, within(0.03));
		assertThat(shares.get("b")).isCloseTo(0.25, within(0.03));
		assertThat(shares.get("c")).isCloseTo(0.25, within(0.03));
	}

	@Test
	void weightedGivesNothingToWeightZeroUnlessAllAreZero() {
		Map<String, Double> shares = shares(LoadBalancing.WEIGHTED.createSelector(),
				List.of(node("a", 0), node("b", 3)));
		assertThat(shares).containsOnlyKeys("b");
		Map<String, Double> allZero = shares(LoadBalancing.WEIGHTED.createSelector(),
				List.of(node("a", 0), node("b", 0)));
		assertThat(allZero.get("a")).isCloseTo(0.5, within(0.03));
	}

	@Test
	void leastConnectionsPicksTheLeastBusyPool() {
		AtomicInteger busy = new AtomicInteger(5);
		AtomicInteger idle = new AtomicInteger(1);
		List<ReplicaNode> candidates = List.of(node("busy", 1, busy), node("idle", 1, idle));
		ReplicaSelector selector = LoadBalancing.LEAST_CONNECTIONS.createSelector();
		for (int i = 0; i < 100; i++) {
			assertThat(selector.select(candidates).name()).isEqualTo("idle");
		}
		idle.set(9);
		assertThat(selector.select(candidates).name()).isEqualTo("busy");
	}

	@Test
	void leastConnectionsSpreadsTiesEvenly() {
		List<ReplicaNode> candidates = List.of(node("a", 1), node("b", 1));
		Map<String, Double> shares = shares(LoadBalancing.LEAST_CONNECTIONS.createSelector(), candidates);
		assertThat(shares.get("a")).isCloseTo(0.5, within(0.03));
	}

	private static ReplicaNode timed(String name, long averageMicros) {
		ResponseTime responseTime = ResponseTime.create(Duration.ofSeconds(10));
		if (averageMicros > 0) {
			responseTime.record(averageMicros * 1000, System.nanoTime());
		}
		return new ReplicaNode(name, "default", 1, new StubDataSource(name), () -> 0, responseTime);
	}

	@Test
	void fastestResponseGivesAReplicaKTimesSlowerOneKSquaredthOfTheReads() {
		// Twice as slow: weights 1 and 1/4, so 80 % and 20 %.
		Map<String, Double> shares = shares(LoadBalancing.FASTEST_RESPONSE.createSelector(),
				List.of(timed("fast", 1000), timed("slow", 2000)));
		assertThat(shares.get("fast")).isCloseTo(0.8, within(0.03));
		// Ten times as slow among three: weights 1, 1, 1/100.
		shares = shares(LoadBalancing.FASTEST_RESPONSE.createSelector(),
				List.of(timed("a", 500), timed("b", 500), timed("slow", 5000)));
		assertThat(shares.get("a")).isCloseTo(100 / 201.0, within(0.03));
		assertThat(shares.getOrDefault("slow", 0.0)).isCloseTo(1 / 201.0, within(0.01));
	}

	@Test
	void fastestResponseTriesAnUnmeasuredReplicaAsIfItWereTheFastest() {
		Map<String, Double> shares = shares(LoadBalancing.FASTEST_RESPONSE.createSelector(),
				List.of(timed("measured", 1000), timed("new", 0)));
		assertThat(shares.get("new")).isCloseTo(0.5, within(0.03));
		shares = shares(LoadBalancing.FASTEST_RESPONSE.createSelector(), List.of(timed("a", 0), timed("b", 0)));
		assertThat(shares.get("a")).isCloseTo(0.5, within(0.03));
	}

	@Test
	void responseTimeMovesHalfWayToASampleTakenOneWindowLaterAndForgetsAfterAWindowWithout() {
		long start = 1_000_000_000L;
		ResponseTime responseTime = warmedUp(start);
		assertThat(responseTime.averageNanos(start)).isEqualTo(1_000_000);
		long second = start + 1_000_000_000L;
		responseTime.record(3_000_000, second);
		assertThat(responseTime.averageNanos(second)).isEqualTo(2_000_000);
		// A second of samples 1 ms apart moves it about as far (continuously: 1 - 1/e of the way).
		ResponseTime busy = warmedUp(start);
		for (int i = 1; i <= 1000; i++) {
			busy.record(3_000_000, start + i * 1_000_000L);
		}
		assertThat(busy.averageNanos(second)).isBetween(2_000_000L, 2_400_000L);
		// No sample for longer than a window: unknown, and the next sample starts afresh.
		assertThat(responseTime.averageNanos(second + 1_000_000_001L)).isEqualTo(-1);
		responseTime.record(7_000_000, second + 1_000_000_002L);
		assertThat(responseTime.averageNanos(second + 1_000_000_002L)).isEqualTo(7_000_000);
	}

	@Test
	void oneSlowFirstStatementDoesNotDominateTheAverage() {
		ResponseTime responseTime = ResponseTime.create(Duration.ofSeconds(10));
		long now = 1_000_000_000L;
		responseTime.record(50_000_000, now);
		for (int i = 1; i < 16; i++) {
			responseTime.record(1_000_000, now + i * 1_000L);
		}
		// The plain mean of the first sixteen: (50 + 15) / 16 ms.
		assertThat(responseTime.averageNanos(now + 16_000L)).isCloseTo(4_062_500L, within(1_000L));
	}

	private static ResponseTime warmedUp(long now) {
		ResponseTime responseTime = ResponseTime.create(Duration.ofSeconds(1));
		for (int i = 0; i < 16; i++) {
			responseTime.record(1_000_000, now);
		}
		return responseTime;
	}

	@Test
	void everyStrategyReturnsTheOnlyCandidate() {
		List<ReplicaNode> single = List.of(node("only", 1));
		for (LoadBalancing strategy : LoadBalancing.values()) {
			assertThat(strategy.createSelector().select(single).name()).as(strategy.name()).isEqualTo("only");
		}
	}

	@Test
	void negativeWeightIsRejectedNamingTheReplica() {
		assertThatIllegalArgumentException().isThrownBy(() -> node("r1", -1)).withMessageContaining("'r1'");
	}

}
