package io.github.rwsplit.it.jpa;

import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.testcluster.MySqlReplicationCluster;
import io.github.rwsplit.testcluster.RwsplitClusterProperties;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing with Spring Data JPA and Hibernate, including an EntityManager held open across
 * several transactions as open-session-in-view does.
 */
@SpringBootTest(classes = JpaRoutingIT.TestApplication.class)
class JpaRoutingIT {

	static final Set<Long> REPLICAS = Set.of(2L, 3L);

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		RwsplitClusterProperties.of(SharedMySqlCluster.get()).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("spring.jpa.hibernate.ddl-auto", () -> "none");
	}

	@BeforeAll
	static void createTable() throws SQLException {
		MySqlReplicationCluster cluster = SharedMySqlCluster.get();
		cluster.executeOnPrimaryAndAwaitReplicas(
				"CREATE TABLE IF NOT EXISTS jpa_note (id VARCHAR(36) PRIMARY KEY, text VARCHAR(200))");
	}

	@Autowired
	Notes notes;

	@Autowired
	EntityManagerFactory entityManagerFactory;

	@Test
	void transactionManagerIsJpas(@Autowired PlatformTransactionManager transactionManager) {
		assertThat(transactionManager).isInstanceOf(JpaTransactionManager.class);
	}

	@Test
	void readOnlyTransactionRunsOnAReplicaAndReadWriteOnThePrimary() {
		assertThat(this.notes.readOnly()).isIn(REPLICAS);
		String id = UUID.randomUUID().toString();
		assertThat(this.notes.save(id)).isEqualTo(1L);
		assertThat(this.notes.findOnPrimary(id)).isEqualTo("note " + id);
	}

	@Test
	void readReplicaWithoutATransactionRunsOnAReplica() {
		assertThat(this.notes.readReplicaWithoutTransaction()).isIn(REPLICAS);
	}

	@Test
	void entityManagerHeldAcrossTransactionsRoutesEachTransactionOnItsOwn() {
		EntityManager entityManager = this.entityManagerFactory.createEntityManager();
		TransactionSynchronizationManager.bindResource(this.entityManagerFactory, new EntityManagerHolder(entityManager));
		try {
			assertThat(this.notes.readOnly()).as("read-only transaction").isIn(REPLICAS);
			String first = UUID.randomUUID().toString();
			assertThat(this.notes.save(first)).as("read-write transaction after a replica read").isEqualTo(1L);
			assertThat(this.notes.readReplicaWithoutTransaction()).as("replica read outside a transaction").isIn(REPLICAS);
			String second = UUID.randomUUID().toString();
			assertThat(this.notes.save(second)).as("read-write transaction after a non-transactional replica read")
				.isEqualTo(1L);
			assertThat(this.notes.readOnly()).as("read-only transaction after a write").isIn(REPLICAS);
		}
		finally {
			TransactionSynchronizationManager.unbindResource(this.entityManagerFactory);
			entityManager.close();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Notes.class)
	static class TestApplication {

	}

	@Service
	static class Notes {

		private final NoteRepository repository;

		Notes(NoteRepository repository) {
			this.repository = repository;
		}

		@Transactional(readOnly = true)
		public long readOnly() {
			return this.repository.serverId();
		}

		@ReadReplica
		public long readReplicaWithoutTransaction() {
			return this.repository.serverId();
		}

		@Transactional
		public long save(String id) {
			this.repository.saveAndFlush(new Note(id, "note " + id));
			return this.repository.serverId();
		}

		@io.github.rwsplit.annotation.Primary
		@Transactional(readOnly = true)
		public String findOnPrimary(String id) {
			return this.repository.findById(id).map(Note::getText).orElse(null);
		}

	}

}
