package io.github.rwsplit.dataaccess.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.routing.RouteReason;
import io.github.rwsplit.test.RecordRoutes;
import io.github.rwsplit.test.RouteAssertions;
import io.github.rwsplit.test.RouteRecorder;
import io.github.rwsplit.test.RwsplitTestCluster;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing with Spring Data JDBC: a {@code CrudRepository} called from transactional and annotated
 * service methods. Each method reads {@code @@server_id} in the same transaction as its repository
 * work, so the server it reports is the one that did the work.
 */
@SpringBootTest(classes = SpringDataJdbcIT.TestApplication.class, properties = {
		// Replication is awaited by polling here; read-your-writes is ConsistencyIT's.
		"rwsplit.consistency.mode=eventual" })
@RecordRoutes(deterministicReplicas = false)
@RwsplitTestCluster
class SpringDataJdbcIT {

	static final long PRIMARY = 1;

	static final Set<Long> REPLICAS = Set.of(2L, 3L);

	static final String SEED = "seed " + UUID.randomUUID();

	static long seedId;

	@BeforeAll
	static void createTableWithASeedRowOnEveryNode() throws SQLException {
		SharedMySqlCluster.get()
			.executeOnPrimaryAndAwaitReplicas(
					"CREATE TABLE IF NOT EXISTS data_jdbc_note (id BIGINT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(200))",
					"INSERT INTO data_jdbc_note (text) VALUES ('" + SEED + "')");
	}

	@Autowired
	Notes notes;

	@Autowired
	NoteRepository repository;

	@Autowired
	JdbcTemplate jdbc;

	private long seedId() {
		if (seedId == 0) {
			seedId = this.jdbc.queryForObject("SELECT id FROM data_jdbc_note WHERE text = ?", Long.class, SEED);
		}
		return seedId;
	}

	@Test
	void saveInATransactionRunsOnThePrimary() {
		Served<Long> written = this.notes.write("written " + UUID.randomUUID());
		assertThat(written.serverId()).isEqualTo(PRIMARY);
		assertThat(written.value()).isPositive();
	}

	@Test
	void findInAReadOnlyTransactionRunsOnAReplica() {
		Served<String> read = this.notes.readOnly(seedId());
		assertThat(read.serverId()).isIn(REPLICAS);
		assertThat(read.value()).isEqualTo(SEED);
	}

	@Test
	void readReplicaOnAServiceMethodWithoutATransactionRunsOnAReplica() {
		Served<String> read = this.notes.readReplica(seedId());
		assertThat(read.serverId()).isIn(REPLICAS);
		assertThat(read.value()).isEqualTo(SEED);
	}

	@Test
	void readReplicaWinsOverAReadWriteTransaction() {
		Served<String> read = this.notes.readReplicaInReadWriteTransaction(seedId());
		assertThat(read.serverId()).isIn(REPLICAS);
		assertThat(read.value()).isEqualTo(SEED);
	}

	@Test
	void primaryOnAReadOnlyServiceMethodRunsOnThePrimary() {
		Served<String> read = this.notes.readOnPrimary(seedId());
		assertThat(read.serverId()).isEqualTo(PRIMARY);
		assertThat(read.value()).isEqualTo(SEED);
	}

	@Test
	void queryMethodOutsideATransactionRunsOnThePrimary() {
		assertThat(this.repository.serverId()).isEqualTo(PRIMARY);
	}

	@Test
	void readReplicaOnARepositoryMethodRunsOnAReplica() {
		assertThat(this.repository.serverIdOnReplica()).isIn(REPLICAS);
	}

	@Test
	void crudFindOutsideATransactionRunsInTheRepositorysOwnReadOnlyTransactionOnAReplica(
			@Autowired RouteRecorder routes) {
		// Spring Data's CRUD methods carry @Transactional(readOnly = true) themselves, so a find
		// called with no transaction around it begins one: rwsplit sends it to a replica. A single
		// CRUD call gives no way to ask @@server_id on its connection: the recorder tells where it went.
		long id = seedId();
		routes.reset();
		assertThat(this.repository.findById(id)).map(Note::getText).hasValue(SEED);
		RouteAssertions.assertThat(routes).single().wentToReplica().withReason(RouteReason.READ_ONLY_TRANSACTION);
	}

	@Test
	void rowSavedOnThePrimaryIsReadBackFromAReplicaOnceReplicated() {
		String text = "replicated " + UUID.randomUUID();
		Served<Long> written = this.notes.write(text);
		assertThat(written.serverId()).isEqualTo(PRIMARY);
		// Eventual consistency: poll, but every read along the way must have been a replica's.
		Served<String> read = Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> {
				Served<String> attempt = this.notes.readOnly(written.value());
				assertThat(attempt.serverId()).isIn(REPLICAS);
				return attempt;
			}, (attempt) -> attempt.value() != null);
		assertThat(read.value()).isEqualTo(text);
	}

	/** A result and the server that produced it. */
	record Served<T>(T value, long serverId) {
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

		@Transactional
		public Served<Long> write(String text) {
			Note saved = this.repository.save(new Note(text));
			return new Served<>(saved.getId(), this.repository.serverId());
		}

		@Transactional(readOnly = true)
		public Served<String> readOnly(long id) {
			return new Served<>(text(id), this.repository.serverId());
		}

		// Outside a transaction each repository call checks out its own connection, each under the scope.
		@ReadReplica
		public Served<String> readReplica(long id) {
			String text = text(id);
			return new Served<>(text, this.repository.serverId());
		}

		@ReadReplica
		@Transactional
		public Served<String> readReplicaInReadWriteTransaction(long id) {
			return new Served<>(text(id), this.repository.serverId());
		}

		@Primary
		@Transactional(readOnly = true)
		public Served<String> readOnPrimary(long id) {
			return new Served<>(text(id), this.repository.serverId());
		}

		private String text(long id) {
			return this.repository.findById(id).map(Note::getText).orElse(null);
		}

	}

}
