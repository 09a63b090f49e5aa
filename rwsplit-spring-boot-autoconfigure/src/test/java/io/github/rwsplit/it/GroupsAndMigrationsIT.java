package io.github.rwsplit.it;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica groups and schema migrations on the real cluster: replica-2 serves only the
 * {@code reporting} group; Flyway migrates through the routing DataSource.
 */
@SpringBootTest(classes = GroupsAndMigrationsIT.TestApplication.class, properties = {
		"spring.autoconfigure.exclude=" + ItProperties.EXCLUDE_JPA,
		"spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/rwsplit-it",
		"spring.flyway.table=rwsplit_it_flyway_history", "spring.flyway.baseline-on-migrate=true",
		"spring.flyway.baseline-version=0" })
class GroupsAndMigrationsIT {

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		RwsplitClusterProperties.of(SharedMySqlCluster.get()).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("rwsplit.replicas.replica-2.group", () -> "reporting");
	}

	@Autowired
	Reads reads;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void namedGroupReadsOnlyFromItsReplicas() {
		for (int i = 0; i < 6; i++) {
			assertThat(this.reads.reporting()).isEqualTo(3);
		}
	}

	@Test
	void readOnlyTransactionsUseOnlyTheDefaultGroup() {
		for (int i = 0; i < 6; i++) {
			assertThat(this.reads.readOnly()).isEqualTo(2);
		}
	}

	@Test
	void migrationsRunOnThePrimaryAndReplicate() {
		assertThat(this.jdbc.queryForObject("SELECT server_id FROM migration_origin WHERE id = 1", Long.class))
			.isEqualTo(1);
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
		assertThat(this.reads.reportingOrigin()).isEqualTo(1);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Reads.class)
	static class TestApplication {

	}

	@Service
	static class Reads {

		private final JdbcTemplate jdbc;

		Reads(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@ReadReplica("reporting")
		@Transactional(readOnly = true)
		public long reporting() {
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

		@ReadReplica("reporting")
		public long reportingOrigin() {
			return this.jdbc.queryForObject("SELECT server_id FROM migration_origin WHERE id = 1", Long.class);
		}

		@Transactional(readOnly = true)
		public long readOnly() {
			return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		}

	}

}
