package io.github.rwsplit.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

import io.github.rwsplit.RwsplitConfigurationException;

/**
 * Finds {@code rwsplit.*} keys that {@link RwsplitProperties} does not bind and names, for each,
 * the nearest valid key: by the whole name ({@code rwsplit.load-balancng}), or by its last part
 * when it sits in the wrong place ({@code rwsplit.max-lagg} is {@code rwsplit.monitor.max-lag}).
 * Stops start-up unless {@code rwsplit.fail-on-unknown-properties=false}, which logs one warning
 * instead.
 *
 * <p>Like Spring Boot's own {@code ignoreUnknownFields = false}, it ignores environment variables
 * and system properties: their names cannot be told apart from other programs' settings (the test
 * cluster's {@code RWSPLIT_MYSQLD}, {@code -Drwsplit.cluster.provider}). Values are never shown,
 * since a misspelt key may hold a password.
 */
final class UnknownPropertiesCheck implements BeanFactoryPostProcessor {

	private static final Log logger = LogFactory.getLog(UnknownPropertiesCheck.class);

	/** Keys of rwsplit-test-cluster, which reads them itself; they are not rwsplit's settings. */
	private static final List<String> OTHER_PROGRAMS = List.of("rwsplit.cluster.", "rwsplit.mysql.", "rwsplit.mysqld");

	private static final String WILDCARD = "*";

	private final Environment environment;

	UnknownPropertiesCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		check();
	}

	void check() {
		try {
			Binder.get(this.environment)
				.bind(RwsplitProperties.PREFIX, Bindable.of(RwsplitProperties.class),
						new NoUnboundElementsBindHandler(BindHandler.DEFAULT, new UnboundElementsSourceFilter()));
		}
		catch (BindException ex) {
			// Any other binding failure is reported, with its value, by the properties bean itself.
			if (ex.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
				report(new ArrayList<>(unbound.getUnboundProperties()));
			}
		}
	}

	private void report(List<ConfigurationProperty> unknown) {
		List<String> names = unknown.stream()
			.map((property) -> property.getName().toString())
			.filter((name) -> OTHER_PROGRAMS.stream().noneMatch(name::startsWith))
			.sorted()
			.distinct()
			.toList();
		if (names.isEmpty()) {
			return;
		}
		List<String> candidates = new ArrayList<>();
		candidates(RwsplitProperties.class, RwsplitProperties.PREFIX, candidates);
		List<String> described = new ArrayList<>();
		for (String name : names) {
			String origin = unknown.stream()
				.filter((property) -> property.getName().toString().equals(name) && property.getOrigin() != null)
				.map((property) -> " (" + property.getOrigin() + ")")
				.findFirst()
				.orElse("");
			String nearest = nearest(name, candidates);
			described.add(name + origin + ((nearest != null) ? ", did you mean " + nearest + "?"
					: ", and no rwsplit property is close to it"));
		}
		boolean fail = Binder.get(this.environment)
			.bind(RwsplitProperties.PREFIX + ".fail-on-unknown-properties", Boolean.class)
			.orElse(true);
		if (fail) {
			throw new RwsplitConfigurationException(names.get(0),
					((names.size() == 1) ? "is not an rwsplit property: " : "these are not rwsplit properties: ")
							+ String.join("; ", described),
					"Correct or remove the key (every property is listed in docs/configuration.md), or set "
							+ "rwsplit.fail-on-unknown-properties=false to start with a warning instead.");
		}
		logger.warn("rwsplit: ignoring unknown properties (rwsplit.fail-on-unknown-properties=false): "
				+ String.join("; ", described));
	}

	/**
	 * The nearest valid key, by edit distance of the whole name or, one step further, of its last
	 * part; {@code null} when nothing is close.
	 */
	static @Nullable String nearest(String unknown, List<String> candidates) {
		String leaf = lastPart(unknown);
		return candidates.stream()
			.map((candidate) -> fill(candidate, unknown))
			.map((candidate) -> new Match(candidate, distance(unknown, candidate),
					distance(leaf, lastPart(candidate)) + 1))
			.filter((match) -> match.whole() <= Math.max(2, unknown.length() / 5)
					|| match.leaf() - 1 <= Math.max(1, leaf.length() / 3))
			.min(Comparator.comparingInt(Match::score).thenComparingInt(Match::whole))
			.map(Match::name)
			.orElse(null);
	}

	private record Match(String name, int whole, int leaf) {

		int score() {
			return Math.min(this.whole, this.leaf);
		}

	}

	/** A candidate with its map key ({@code *}) taken from the unknown key's parts in that place. */
	private static String fill(String candidate, String unknown) {
		String[] parts = candidate.split("\\.");
		int wildcard = List.of(parts).indexOf(WILDCARD);
		if (wildcard < 0) {
			return candidate;
		}
		String[] given = unknown.split("\\.");
		int extra = given.length - parts.length;
		String key = (given.length > wildcard && extra >= 0)
				? String.join(".", List.of(given).subList(wildcard, wildcard + extra + 1)) : "<name>";
		parts[wildcard] = key;
		return String.join(".", parts);
	}

	private static String lastPart(String name) {
		return name.substring(name.lastIndexOf('.') + 1);
	}

	/** Every key {@code type} binds under {@code prefix}, with {@code *} for a map's keys. */
	private static void candidates(Class<?> type, String prefix, List<String> out) {
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			String name = prefix + "." + dashed(descriptor.getName());
			Class<?> propertyType = descriptor.getPropertyType();
			if (Map.class.isAssignableFrom(propertyType)) {
				Class<?> value = ResolvableType.forMethodReturnType(descriptor.getReadMethod())
					.asMap()
					.getGeneric(1)
					.resolve(Object.class);
				if (nested(value)) {
					candidates(value, name + "." + WILDCARD, out);
				}
				else {
					out.add(name + "." + WILDCARD);
				}
			}
			else if (nested(propertyType)) {
				candidates(propertyType, name, out);
			}
			else {
				out.add(name);
			}
		}
	}

	private static boolean nested(Class<?> type) {
		return type.getName().startsWith(RwsplitProperties.class.getName() + "$") && !type.isEnum();
	}

	private static String dashed(String camelCase) {
		return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
	}

	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
