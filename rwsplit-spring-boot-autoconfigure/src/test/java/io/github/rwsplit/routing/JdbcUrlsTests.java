package io.github.rwsplit.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcUrlsTests {

	@Test
	void sanitizeRemovesUserInfoAndSecretParameters() {
		assertThat(JdbcUrls.sanitize("jdbc:mysql://app:s3cret@db:3306/app?user=app&password=s3cret&useSSL=true"))
			.isEqualTo("jdbc:mysql://db:3306/app?user=app&password=******&useSSL=true")
			.doesNotContain("s3cret");
		assertThat(JdbcUrls.sanitize("jdbc:mysql://db/app?trustCertificateKeyStorePassword=k1&x=1"))
			.isEqualTo("jdbc:mysql://db/app?trustCertificateKeyStorePassword=******&x=1");
		assertThat(JdbcUrls.sanitize("jdbc:mysql://address=(host=db)(password=p1)(user=u)/app"))
			.isEqualTo("jdbc:mysql://address=(host=db)(password=******)(user=u)/app");
		assertThat(JdbcUrls.sanitize("jdbc:mysql://(host=db,password=p2)/app?xdevapi.ssl-truststore-password=p3"))
			.doesNotContain("p2")
			.doesNotContain("p3");
		assertThat(JdbcUrls.sanitize("jdbc:mysql://user:p@ss@db:3306/app")).isEqualTo("jdbc:mysql://db:3306/app");
		assertThat(JdbcUrls.sanitize(null)).isNull();
	}

	@Test
	void sameServerIgnoresCaseParametersCredentialsAndTheDefaultPort() {
		assertThat(JdbcUrls.sameServer("jdbc:mysql://DB:3306/app?useSSL=false", "jdbc:mysql://u:p@db/app/")).isTrue();
		assertThat(JdbcUrls.sameServer("jdbc:mysql://db:3306/app", "jdbc:mysql://db:3307/app")).isFalse();
		assertThat(JdbcUrls.sameServer("jdbc:mysql://db:3306/app", "jdbc:mysql://db-replica:3306/app")).isFalse();
	}


	@Test
	void userComesFromUserInfoOrTheUserPropertyAndThePasswordIsOnlyCompared() {
		assertThat(JdbcUrls.user("jdbc:mysql://reader:s3cret@db:3306/app")).isEqualTo("reader");
		assertThat(JdbcUrls.user("jdbc:mysql://db:3306/app?sslMode=DISABLED&user=re%40der&password=x")).isEqualTo("re@der");
		assertThat(JdbcUrls.user("jdbc:mysql://(host=db,port=3306,user=ops)/app")).isEqualTo("ops");
		assertThat(JdbcUrls.user("jdbc:mysql://db:3306/app?superuser=no")).isNull();
		assertThat(JdbcUrls.user("jdbc:mysql://db:3306/app")).isNull();
		assertThat(JdbcUrls.hasPassword("jdbc:mysql://reader:s3cret@db/app")).isTrue();
		assertThat(JdbcUrls.hasPassword("jdbc:mysql://reader@db/app")).isFalse();
		assertThat(JdbcUrls.hasPassword("jdbc:mysql://db/app?user=a&password=b")).isTrue();
		assertThat(JdbcUrls.passwordEquals("jdbc:mysql://reader:s3cret@db/app", "s3cret")).isTrue();
		assertThat(JdbcUrls.passwordEquals("jdbc:mysql://db/app?password=b&x=1", "c")).isFalse();
	}

}
