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
		assertThat(JdbcUrls.sanitize(null)).isNull();
	}

	@Test
	void sameServerIgnoresCaseParametersCredentialsAndTheDefaultPort() {
		assertThat(JdbcUrls.sameServer("jdbc:mysql://DB:3306/app?useSSL=false", "jdbc:mysql://u:p@db/app/")).isTrue();
		assertThat(JdbcUrls.sameServer("jdbc:mysql://db:3306/app", "jdbc:mysql://db:3307/app")).isFalse();
		assertThat(JdbcUrls.sameServer("jdbc:mysql://db:3306/app", "jdbc:mysql://db-replica:3306/app")).isFalse();
	}

}
