package io.github.rwsplit.it.jpa;

import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.testcluster.RwsplitClusterProperties;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code rwsplit.jpa.release-connection-after-transaction=false}, Hibernate keeps its
 * connection per session again, custom isolation levels work, and transactions with a session each
 * still route on their own.
 */
@SpringBootTest(classes = JpaCustomIsolationIT.TestApplication.class,
		properties = { "rwsplit.jpa.release-connection-after-transaction=false", "spring.jpa.hibernate.ddl-auto=none" })
class JpaCustomIsolationIT {

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		RwsplitClusterProperties.of(SharedMySqlCluster.get()).forEach((name, value) -> registry.add(name, () -> value));
	}

	@Autowired
	IsolatedReads reads;

	@Test
	void serializableReadOnlyTransactionRunsOnAReplicaAtThatIsolationLevel() {
		assertThat(this.reads.serializable()).isEqualTo("SERIALIZABLE");
		assertThat(this.reads.serverId()).isIn(Set.of(2L, 3L));
	}

	@Test
	void readWriteTransactionStillRunsOnThePrimary() {
		assertThat(this.reads.readWriteServerId()).isEqualTo(1L);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(IsolatedReads.class)
	static class TestApplication {

	}

	@Service
	static class IsolatedReads {

		private final jakarta.persistence.EntityManager entityManager;

		IsolatedReads(jakarta.persistence.EntityManager entityManager) {
			this.entityManager = entityManager;
		}

		@Transactional(readOnly = true, isolation = Isolation.SERIALIZABLE)
		public String serializable() {
			return (String) this.entityManager.createNativeQuery("SELECT @@transaction_isolation").getSingleResult();
		}

		@Transactional(readOnly = true, isolation = Isolation.SERIALIZABLE)
		public long serverId() {
			return ((Number) this.entityManager.createNativeQuery("SELECT @@server_id").getSingleResult()).longValue();
		}

		@Transactional
		public long readWriteServerId() {
			return ((Number) this.entityManager.createNativeQuery("SELECT @@server_id").getSingleResult()).longValue();
		}

	}

}
