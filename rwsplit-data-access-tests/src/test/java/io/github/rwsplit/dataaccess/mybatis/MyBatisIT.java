package io.github.rwsplit.dataaccess.mybatis;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.test.RwsplitTestCluster;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing with MyBatis, with the annotations on the mapper interfaces' methods (and on a mapper
 * interface as a whole) as well as on a service that calls an unannotated mapper method. Every
 * read selects {@code @@server_id} in the same statement as its data, and every row records the
 * server that wrote it.
 */
@SpringBootTest(classes = MyBatisIT.TestApplication.class, properties = {
		// Replication is awaited by polling here; read-your-writes is ConsistencyIT's.
		"rwsplit.consistency.mode=eventual" })
@RwsplitTestCluster
class MyBatisIT {

	static final long PRIMARY = 1;

	static final Set<Long> REPLICAS = Set.of(2L, 3L);

	static final String SEED = UUID.randomUUID().toString();

	@BeforeAll
	static void createTableWithASeedRowOnEveryNode() throws SQLException {
		SharedMySqlCluster.get()
			.executeOnPrimaryAndAwaitReplicas(
					"CREATE TABLE IF NOT EXISTS mybatis_note (id VARCHAR(36) PRIMARY KEY, text VARCHAR(200), origin BIGINT)",
					"INSERT INTO mybatis_note VALUES ('" + SEED + "', 'seed', @@server_id)");
	}

	@Autowired
	NoteMapper notes;

	@Autowired
	ReportMapper reports;

	@Autowired
	NoteService service;

	@Test
	void mapperIsSpringsProxyAroundMyBatisProxy() {
		assertThat(AopUtils.isAopProxy(this.notes)).isTrue();
		assertThat(AopUtils.isJdkDynamicProxy(this.notes)).isTrue();
	}

	@Test
	void unannotatedMapperMethodOutsideATransactionRunsOnThePrimary() {
		assertThat(this.notes.serverId()).isEqualTo(PRIMARY);
		String id = UUID.randomUUID().toString();
		assertThat(this.notes.insert(id, "autocommit")).isEqualTo(1);
		assertRow(this.notes.read(id), "autocommit", PRIMARY, PRIMARY);
	}

	@Test
	void transactionalMapperMethodWritesOnThePrimary() {
		String id = UUID.randomUUID().toString();
		assertThat(this.notes.insertInTransaction(id, "transactional")).isEqualTo(1);
		assertRow(this.notes.read(id), "transactional", PRIMARY, PRIMARY);
	}

	@Test
	void readReplicaOnAMapperMethodRunsOnAReplica() {
		NoteRow row = this.notes.readOnReplica(SEED);
		assertThat(row.getServerId()).isIn(REPLICAS);
		assertRow(row, "seed", PRIMARY, row.getServerId());
	}

	@Test
	void readOnlyTransactionalMapperMethodRunsOnAReplica() {
		NoteRow row = this.notes.readInReadOnlyTransaction(SEED);
		assertThat(row.getServerId()).isIn(REPLICAS);
		assertRow(row, "seed", PRIMARY, row.getServerId());
	}

	@Test
	void readReplicaOnAMapperMethodWinsOverItsReadWriteTransaction() {
		NoteRow row = this.notes.readOnReplicaInReadWriteTransaction(SEED);
		assertThat(row.getServerId()).isIn(REPLICAS);
		assertRow(row, "seed", PRIMARY, row.getServerId());
	}

	@Test
	void primaryOnAMapperMethodWinsOverItsReadOnlyTransaction() {
		assertRow(this.notes.readOnPrimaryInReadOnlyTransaction(SEED), "seed", PRIMARY, PRIMARY);
	}

	@Test
	void readReplicaOnAMapperInterfaceAppliesToItsMethodsAndPrimaryOnAMethodWins() {
		assertThat(this.reports.serverId()).isIn(REPLICAS);
		assertThat(this.reports.serverIdOnPrimary()).isEqualTo(PRIMARY);
	}

	@Test
	void serviceTransactionsRouteUnannotatedMapperMethods() {
		NoteRow read = this.service.readOnly(SEED);
		assertThat(read.getServerId()).isIn(REPLICAS);
		assertRow(read, "seed", PRIMARY, read.getServerId());
		String id = UUID.randomUUID().toString();
		assertRow(this.service.write(id, "service"), "service", PRIMARY, PRIMARY);
	}

	@Test
	void rowInsertedOnThePrimaryIsReadBackFromAReplicaOnceReplicated() {
		String id = UUID.randomUUID().toString();
		assertThat(this.notes.insertInTransaction(id, "replicated")).isEqualTo(1);
		// Eventual consistency: poll, but every read along the way must have been a replica's.
		NoteRow row = Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> {
				NoteRow attempt = this.notes.readInReadOnlyTransaction(id);
				assertThat(attempt.getServerId()).isIn(REPLICAS);
				return attempt;
			}, (attempt) -> attempt.getText() != null);
		assertRow(row, "replicated", PRIMARY, row.getServerId());
	}

	private static void assertRow(NoteRow row, String text, long origin, long serverId) {
		assertThat(row.getText()).as("text").isEqualTo(text);
		assertThat(row.getOrigin()).as("origin").isEqualTo(origin);
		assertThat(row.getServerId()).as("server").isEqualTo(serverId);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(NoteService.class)
	static class TestApplication {

	}

	@Service
	static class NoteService {

		private final NoteMapper mapper;

		NoteService(NoteMapper mapper) {
			this.mapper = mapper;
		}

		@Transactional(readOnly = true)
		public NoteRow readOnly(String id) {
			return this.mapper.read(id);
		}

		@Transactional
		public NoteRow write(String id, String text) {
			this.mapper.insert(id, text);
			return this.mapper.read(id);
		}

	}

}
