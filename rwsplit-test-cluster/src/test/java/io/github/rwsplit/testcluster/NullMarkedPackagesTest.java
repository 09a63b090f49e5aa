package io.github.rwsplit.testcluster;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every package of this module is {@link NullMarked @NullMarked}: unannotated types in its API
 * mean "never null", and whatever may be null says {@code @Nullable}. Scans the module's own
 * compiled classes, so a new package without the annotation in its {@code package-info.java}
 * fails here.
 */
class NullMarkedPackagesTest {

	@Test
	void everyPackageOfTheModuleIsNullMarked() throws IOException, URISyntaxException {
		Set<String> packages = packagesOfThisModule();
		assertThat(packages).contains("io.github.rwsplit.testcluster",
				"io.github.rwsplit.testcluster.junit", "io.github.rwsplit.testcluster.stub");
		List<String> unmarked = packages.stream().filter((name) -> !isNullMarked(name)).toList();
		assertThat(unmarked).as("packages whose package-info.java lacks @NullMarked").isEmpty();
	}

	private static Set<String> packagesOfThisModule() throws IOException, URISyntaxException {
		Path classes = Path.of(
				ClusterSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Set<String> packages = new TreeSet<>();
		try (Stream<Path> files = Files.walk(classes.resolve("io/github/rwsplit"))) {
			files.filter((file) -> file.getFileName().toString().endsWith(".class"))
				.map((file) -> classes.relativize(file.getParent()).toString().replace(File.separatorChar, '.'))
				.forEach(packages::add);
		}
		return packages;
	}

	private static boolean isNullMarked(String packageName) {
		try {
			return Class.forName(packageName + ".package-info").isAnnotationPresent(NullMarked.class);
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

}
