package io.github.rwsplit.monitor;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Which failures to connect are the node's own settings (misconfigured) and which are the server
 * being away (down). The driver-side cases use Connector/J's real exceptions: they are raised
 * before anything is sent, so no server is needed. The server-side ones carry MySQL's codes.
 */
class CheckFailuresTests {

	private static Throwable connecting(String url, String... properties) {
		Properties driver = new Properties();
		driver.setProperty("connectTimeout", "200");
		for (int i = 0; i < properties.length; i += 2) {
			driver.setProperty(properties[i], properties[i + 1]);
		}
		return catchThrowable(() -> DriverManager.getConnection(url, driver).close());
	}

	@Test
	void refusedCredentialsAreALoginMistake() {
		SQLException denied = new SQLException("Access denied for user 'app'@'127.0.0.1' (using password: YES)",
				"28000", 1045);
		assertThat(CheckFailures.kind(denied)).isEqualTo(Misconfiguration.Kind.LOGIN);
	}

	@Test
	void aSchemaTheAccountMayNotUseOrThatDoesNotExistIsASchemaMistake() {
		assertThat(CheckFailures.kind(new SQLException("Access denied for user 'app'@'%' to database 'x'", "42000", 1044)))
			.isEqualTo(Misconfiguration.Kind.SCHEMA);
		assertThat(CheckFailures.kind(new SQLException("Unknown database 'x'", "42000", 1049)))
			.isEqualTo(Misconfiguration.Kind.SCHEMA);
	}

	@Test
	void aPropertyValueConnectorJRejectsIsADriverPropertyMistakeNamingTheProperty() {
		Throwable failure = connecting("jdbc:mysql://127.0.0.1:1/app", "sslMode", "BOGUS");
		assertThat(CheckFailures.kind(failure)).isEqualTo(Misconfiguration.Kind.DRIVER_PROPERTY);
		assertThat(CheckFailures.driverProperty(failure)).isEqualTo("sslMode");
		Throwable inUrl = connecting("jdbc:mysql://127.0.0.1:1/app?socketTimeout=ten");
		assertThat(CheckFailures.kind(inUrl)).isEqualTo(Misconfiguration.Kind.DRIVER_PROPERTY);
		assertThat(CheckFailures.driverProperty(inUrl)).isEqualTo("socketTimeout");
		// Older Connector/J versions report the same mistake with 01S00.
		assertThat(CheckFailures.kind(new SQLException("The connection property 'useSSL' only accepts ...", "01S00")))
			.isEqualTo(Misconfiguration.Kind.DRIVER_PROPERTY);
	}

	@Test
	void aUrlTheDriverCannotParseIsAUrlMistake() {
		assertThat(CheckFailures.kind(connecting("jdbc:mysql://127.0.0.1:notaport/app")))
			.isEqualTo(Misconfiguration.Kind.URL);
		assertThat(CheckFailures.kind(connecting("jdbc:mysql://127.0.0.1:99999/app"))).isEqualTo(Misconfiguration.Kind.URL);
		assertThat(CheckFailures.kind(connecting("jdbc:mysq://127.0.0.1:1/app"))).isEqualTo(Misconfiguration.Kind.URL);
	}

	@Test
	void anUnknownPropertyIsIgnoredByConnectorJSoOnlyTheServerBeingAwayShows() {
		Throwable failure = connecting("jdbc:mysql://127.0.0.1:1/app?noSuchProperty=1");
		assertThat(failure).hasMessageContaining("Communications link failure");
		assertThat(CheckFailures.kind(failure)).isNull();
	}

	@Test
	void aServerThatIsAwayOrAStatementThatFailsIsNoMisconfiguration() {
		assertThat(CheckFailures.kind(connecting("jdbc:mysql://127.0.0.1:1/app"))).isNull();
		assertThat(CheckFailures.kind(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isNull();
		assertThat(CheckFailures.kind(new SQLException("Too many connections", "08004", 1040))).isNull();
	}

	@Test
	void theMonitorsConnectionReportsAMisconfigurationWithSecretsMasked() {
		MonitoredNode node = new MonitoredNode("replica-1", "jdbc:mysql://reader:pw-in-url@127.0.0.1:notaport/app",
				"app", "top-secret", new Properties(), Duration.ofMillis(200));
		MisconfiguredNodeException failure = catchThrowableOfType(MisconfiguredNodeException.class, node::connection);
		assertThat(failure.problem().kind()).isEqualTo(Misconfiguration.Kind.URL);
		assertThat(failure.problem().describe()).startsWith("URL cannot be parsed: ")
			.contains("Failed to parse the host:port pair '127.0.0.1:notaport'")
			.doesNotContain("pw-in-url")
			.doesNotContain("top-secret");
		Misconfiguration denied = Misconfiguration.of(
				new SQLException("Access denied for user 'app' using top-secret", "28000", 1045), node::describe);
		assertThat(denied.describe()).isEqualTo("login refused: Access denied for user 'app' using ****** "
				+ "(SQLState 28000, error 1045)");
	}

}
