package io.github.rwsplit.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.PropertiesMeterFilter;

import io.github.rwsplit.balancing.RoundRobinReplicaSelector;
import io.github.rwsplit.barrier.BarrierTimeoutPolicy;
import io.github.rwsplit.barrier.WriteBarrier;
import io.github.rwsplit.monitor.HealthThresholds;
import io.github.rwsplit.monitor.LagSource;
import io.github.rwsplit.monitor.MonitorSettings;
import io.github.rwsplit.monitor.ReplicaLagMonitor;
import io.github.rwsplit.routing.ReadWriteRoutingDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RoutingTopology;
import io.github.rwsplit.testcluster.stub.StubDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a Prometheus scrape of rwsplit's meters shows, against what the documentation says it
 * shows: every {@code rwsplit_...} name in {@code docs/observability.md} is one a scrape has, every
 * family a scrape has is documented, and percentile histograms appear only when asked for.
 */
class PrometheusNamesTests {

	private static final Path DOC = Path.of("..", "docs", "observability.md");

	private static final Pattern SAMPLE = Pattern.compile("(?m)^(rwsplit_[a-z0-9_]+)[{ ]");

	private static final Pattern FAMILY = Pattern.compile("(?m)^# TYPE (rwsplit_[a-z0-9_]+) ");

	private static final Pattern DOCUMENTED = Pattern.compile("rwsplit_[a-z0-9_]+");

	private static String scrape(PropertiesMeterFilter filter) {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		if (filter != null) {
			registry.config().meterFilter(filter);
		}
		List<ReplicaNode> replicas = List.of(new ReplicaNode("replica-1", "default", 1,
				new StubDataSource("replica-1", null), () -> 0));
		ReadWriteRoutingDataSource router = new ReadWriteRoutingDataSource("primary", new StubDataSource("primary", null),
				replicas, new RoutingTopology("primary", "default", replicas), new RoundRobinReplicaSelector());
		ReplicaLagMonitor monitor = new ReplicaLagMonitor(router,
				new ReplicaLagMonitor.Endpoint("primary", "jdbc:mysql://127.0.0.1:1/app", null, null),
				List.of(new ReplicaLagMonitor.Endpoint("replica-1", "jdbc:mysql://127.0.0.1:1/app", null, null)),
				new MonitorSettings(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(250),
						new HealthThresholds(Duration.ofSeconds(1), Duration.ofMillis(500), 3), LagSource.GTID, "hb",
						false));
		new RwsplitMetrics(router, monitor, List.of())
			.withWriteBarrier(new WriteBarrier(router, Duration.ofSeconds(1), BarrierTimeoutPolicy.FAIL))
			.bindTo(registry);
		return registry.scrape();
	}

	private static Set<String> all(Pattern pattern, String text) {
		Set<String> names = new TreeSet<>();
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			names.add(matcher.group(matcher.groupCount() > 0 ? 1 : 0));
		}
		return names;
	}

	@Test
	void everyPrometheusNameInTheDocsIsOneAScrapeShows() throws IOException {
		// Family and sample names, with and without the opt-in histograms (whose buckets the docs query).
		String plain = scrape(null);
		String histograms = scrape(new PropertiesMeterFilter(histogramsForRwsplit()));
		Set<String> scraped = new TreeSet<>(all(SAMPLE, plain));
		scraped.addAll(all(FAMILY, plain));
		scraped.addAll(all(SAMPLE, histograms));
		Set<String> documented = all(DOCUMENTED, Files.readString(DOC));
		assertThat(documented).isNotEmpty();
		assertThat(scraped).containsAll(documented);
	}

	@Test
	void everyFamilyAScrapeShowsIsDocumented() throws IOException {
		String doc = Files.readString(DOC);
		assertThat(all(FAMILY, scrape(null))).allSatisfy((family) -> assertThat(doc).contains("`" + family));
	}

	@Test
	void thePrimarysMetersShowAsDocumented() {
		// The monitor has not run: the configured primary is the primary, up, never moved.
		String scrape = scrape(null);
		assertThat(scrape).contains("rwsplit_primary_up 1.0")
			.contains("rwsplit_primary_status 0.0")
			.contains("rwsplit_primary_changes_total 0.0")
			.contains("rwsplit_primary_node{node=\"primary\"} 1.0")
			.contains("rwsplit_primary_node{node=\"replica-1\"} 0.0");
	}

	@Test
	void percentileHistogramsAreOptIn() {
		String idle = scrape(null);
		assertThat(idle).doesNotContain("_bucket");
		String optedIn = scrape(new PropertiesMeterFilter(histogramsForRwsplit()));
		assertThat(optedIn).contains("rwsplit_consistency_wait_seconds_bucket{")
			.contains("rwsplit_write_barrier_seconds_bucket{");
		System.out.printf("rwsplit-measure prometheus-samples idle=%d with-histograms=%d%n", samples(idle),
				samples(optedIn));
	}

	/** {@code management.metrics.distribution.percentiles-histogram.rwsplit=true} */
	private static MetricsProperties histogramsForRwsplit() {
		MetricsProperties properties = new MetricsProperties();
		properties.getDistribution().getPercentilesHistogram().put("rwsplit", true);
		return properties;
	}

	private static long samples(String scrape) {
		return scrape.lines().filter((line) -> !line.isEmpty() && !line.startsWith("#")).count();
	}

}
