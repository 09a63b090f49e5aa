package io.github.rwsplit.autoconfigure;

import org.junit.jupiter.api.Test;

import io.github.rwsplit.RwsplitConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The servers rwsplit accepts at start-up, from the version strings they report (MariaDB's as
 * Debian's and the official packages report them).
 */
class ServerCompatibilityTests {

	@Test
	void mysqlEightAndLaterAreAccepted() {
		for (String version : new String[] { "8.0.36", "8.4.3", "9.7.4", "8.0.40-0ubuntu0.22.04.1", "8.0.32-24" }) {
			assertThatNoException().as(version).isThrownBy(() -> ServerCompatibility.check("the primary", "rwsplit.primary.url", version));
		}
	}

	@Test
	void mariadbIsRefusedSayingWhatIsSupported() {
		for (String version : new String[] { "10.11.6-MariaDB-0+deb12u1", "11.4.5-MariaDB", "5.5.5-10.11.6-MariaDB-0+deb12u1" }) {
			assertThatExceptionOfType(RwsplitConfigurationException.class)
				.isThrownBy(() -> ServerCompatibility.check("the primary", "rwsplit.primary.url", version))
				.satisfies((ex) -> {
					assertThat(ex.getProperty()).isEqualTo("rwsplit.primary.url");
					assertThat(ex.getMessage()).contains("the primary is MariaDB (" + version + ")")
						.contains("session_track_gtids");
					assertThat(ex.getAction()).contains("MySQL 8.0 or later");
				});
		}
	}

	@Test
	void mysqlOlderThanTheMinimumIsRefusedNamingBothVersions() {
		assertThatExceptionOfType(RwsplitConfigurationException.class)
			.isThrownBy(() -> ServerCompatibility.check("replica 'replica-1'", "rwsplit.replicas.replica-1.url", "5.7.44-log"))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("replica 'replica-1' runs MySQL 5.7.44-log")
					.contains("older than 8.0");
				assertThat(ex.getAction()).contains("MySQL 8.0 or later");
			});
	}

}
