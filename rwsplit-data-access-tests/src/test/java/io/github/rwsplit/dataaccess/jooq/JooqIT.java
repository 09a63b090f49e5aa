package io.github.rwsplit.dataaccess.jooq;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.awaitility.Awaitility;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.DataSourceConnectionProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.ReadReplica;
import io.github.rwsplit.routing.RoutingContext;
import io.github.rwsplit.test.RwsplitTestCluster;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing with jOOQ as Spring Boot configures it: a {@link DSLContext} whose connections come
 * through Spring's {@link TransactionAwareDataSourceProxy}, so that a query inside a Spring
 * transaction runs on that transaction's connection. Every read selects {@code @@server_id} in the
 * same statement as its data, and every row records the server that wrote it.
 */
@SpringBootTest(classes = JooqIT.TestApplication.class, properties = {
		// Replication is awaited by polling here; read-your-writes is ConsistencyIT's.
		"rwsplit.consistency.mode=eventual" })
@RwsplitTestCluster
class JooqIT {

	static final long PRIMARY = 1;

	static final Set<Long> REPLICAS = Set.of(2L, 3L);

	static final Table<?> NOTE = DSL.table(DSL.name("jooq_note"));

	static final Field<String> ID = DSL.field(DSL.name("id"), String.class);

	static final Field<String> TEXT = DSL.field(DSL.name("text"), String.class);

	static final Field<Long> ORIGIN = DSL.field(DSL.name("origin"), Long.class);

	static final Field<Long> SERVER_ID = DSL.field("@@server_id", Long.class).as("server_id");

	static final String SEED = UUID.randomUUID().toString();

	@BeforeAll
	static void createTableWithASeedRowOnEveryNode() throws SQLException {
		SharedMySqlCluster.get()
			.executeOnPrimaryAndAwaitReplicas(
					"CREATE TABLE IF NOT EXISTS jooq_note (id VARCHAR(36) PRIMARY KEY, text VARCHAR(200), origin BIGINT)",
					"INSERT INTO jooq_note VALUES ('" + SEED + "', 'seed', @@server_id)");
	}

	@Autowired
	Notes notes;

	@Autowired
	DSLContext dsl;

	@Test
	void dslContextReachesRwsplitThroughSpringsTransactionAwareProxy(@Autowired DataSource dataSource) {
		assertThat(this.dsl.configuration().connectionProvider()).isInstanceOfSatisfying(
				DataSourceConnectionProvider.class,
				(provider) -> assertThat(provider.dataSource()).isInstanceOfSatisfying(
						TransactionAwareDataSourceProxy.class,
						(proxy) -> assertThat(proxy.getTargetDataSource()).isSameAs(dataSource)));
	}

	@Test
	void insertInATransactionRunsOnThePrimary() {
		String id = UUID.randomUUID().toString();
		assertThat(this.notes.write(id, "written")).isEqualTo(PRIMARY);
		assertThat(this.notes.readOnPrimary(id)).isEqualTo(new Read("written", PRIMARY, PRIMARY));
	}

	@Test
	void queryInAReadOnlyTransactionRunsOnAReplicaFromItsFirstStatement() {
		// The transaction's first statement is the jOOQ query itself: the read-only flag must already
		// be visible to rwsplit when the transaction-aware proxy asks for the connection.
		Read read = this.notes.readOnly(SEED);
		assertThat(read.serverId()).isIn(REPLICAS);
		assertThat(read).isEqualTo(new Read("seed", PRIMARY, read.serverId()));
	}

	@Test
	void everyQueryOfAReadOnlyTransactionRunsOnOneReplica() {
		List<Long> ids = this.notes.severalQueriesInReadOnlyTransaction();
		assertThat(ids).hasSize(5).containsOnly(ids.get(0));
		assertThat(ids.get(0)).isIn(REPLICAS);
	}

	@Test
	void queryOutsideATransactionRunsOnThePrimary() {
		assertThat(this.dsl.select(SERVER_ID).fetchOne(SERVER_ID)).isEqualTo(PRIMARY);
	}

	@Test
	void readReplicaWithoutATransactionRunsOnAReplica() {
		Read read = this.notes.readReplica(SEED);
		assertThat(read.serverId()).isIn(REPLICAS);
		assertThat(read.text()).isEqualTo("seed");
	}

	@Test
	void primaryWinsOverAReadOnlyTransaction() {
		assertThat(this.notes.readOnPrimary(SEED)).isEqualTo(new Read("seed", PRIMARY, PRIMARY));
	}

	@Test
	void jooqsOwnTransactionApiRunsOnThePrimary() {
		String id = UUID.randomUUID().toString();
		long serverId = this.dsl.transactionResult((configuration) -> {
			DSLContext tx = DSL.using(configuration);
			tx.insertInto(NOTE, ID, TEXT, ORIGIN).values(DSL.val(id), DSL.val("jooq tx"), DSL.field("@@server_id", Long.class))
				.execute();
			return tx.select(SERVER_ID).fetchOne(SERVER_ID);
		});
		assertThat(serverId).isEqualTo(PRIMARY);
		assertThat(this.notes.readOnPrimary(id)).isEqualTo(new Read("jooq tx", PRIMARY, PRIMARY));
	}

	@Test
	void jooqsOwnTransactionApiRunsOnAReplicaInsideAReplicaScope() {
		// Boot's SpringTransactionProvider always begins a read-write transaction: a scope opened
		// around it is what sends it to a replica.
		long serverId = RoutingContext.onReplica(() -> this.dsl
			.transactionResult((configuration) -> DSL.using(configuration).select(SERVER_ID).fetchOne(SERVER_ID)));
		assertThat(serverId).isIn(REPLICAS);
	}

	@Test
	void rowInsertedOnThePrimaryIsReadBackFromAReplicaOnceReplicated() {
		String id = UUID.randomUUID().toString();
		assertThat(this.notes.write(id, "replicated")).isEqualTo(PRIMARY);
		// Eventual consistency: poll, but every read along the way must have been a replica's.
		Read read = Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> {
				Read attempt = this.notes.readOnly(id);
				assertThat(attempt.serverId()).isIn(REPLICAS);
				return attempt;
			}, (attempt) -> attempt.text() != null);
		assertThat(read).isEqualTo(new Read("replicated", PRIMARY, read.serverId()));
	}

	/**
	 * A note as read.
	 * @param text its text, or {@code null} when the server answering had no such row
	 * @param origin the server that wrote it
	 * @param serverId the server that answered
	 */
	record Read(String text, Long origin, long serverId) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Notes.class)
	static class TestApplication {

	}

	@Service
	static class Notes {

		private final DSLContext dsl;

		Notes(DSLContext dsl) {
			this.dsl = dsl;
		}

		@Transactional
		public long write(String id, String text) {
			this.dsl.insertInto(NOTE, ID, TEXT, ORIGIN)
				.values(DSL.val(id), DSL.val(text), DSL.field("@@server_id", Long.class))
				.execute();
			return this.dsl.select(SERVER_ID).fetchOne(SERVER_ID);
		}

		@Transactional(readOnly = true)
		public Read readOnly(String id) {
			return read(id);
		}

		@Transactional(readOnly = true)
		public List<Long> severalQueriesInReadOnlyTransaction() {
			List<Long> ids = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				ids.add(this.dsl.select(SERVER_ID).fetchOne(SERVER_ID));
			}
			return ids;
		}

		@ReadReplica
		public Read readReplica(String id) {
			return read(id);
		}

		@Primary
		@Transactional(readOnly = true)
		public Read readOnPrimary(String id) {
			return read(id);
		}

		private Read read(String id) {
			// The row, if any, and the server in one statement; a server without the row still answers.
			Record3<String, Long, Long> row = this.dsl
				.select(DSL.field(this.dsl.select(TEXT).from(NOTE).where(ID.eq(id))).as("text"),
						DSL.field(this.dsl.select(ORIGIN).from(NOTE).where(ID.eq(id))).as("origin"), SERVER_ID)
				.fetchOne();
			return new Read(row.value1(), row.value2(), row.value3());
		}

	}

}
