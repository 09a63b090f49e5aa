package io.github.rwsplit.test;

import java.sql.SQLException;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import io.github.rwsplit.routing.RouteReason;
import io.github.rwsplit.routing.RwsplitDataSource;
import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.testcluster.SharedMySqlCluster;

import static io.github.rwsplit.test.RouteAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared real cluster in place of the application's own nodes: an application whose
 * configuration names nodes that do not exist (as its {@code application.yml} would for
 * production) starts, routes and reads its data on the test cluster, and the same replica serves
 * every read.
 */
@SpringBootTest(classes = TestClusterIT.App.class, properties = {
		"rwsplit.username=production-user", "rwsplit.password=not-the-test-password",
		"rwsplit.monitor.username=production-monitor", "rwsplit.monitor.password=not-the-test-password",
		"rwsplit.primary.url=jdbc:mysql://db-primary.invalid:3306/app",
		"rwsplit.replicas.app-replica.url=jdbc:mysql://db-replica.invalid:3306/app",
		"rwsplit.replicas.app-replica.group=reporting", "rwsplit.consistency.mode=eventual" })
@RwsplitTestCluster(groups = "replica-2=reporting")
@RecordRoutes
class TestClusterIT {

	@Autowired
	Posts posts;

	@Autowired
	RouteRecorder routes;

	@Autowired
	RwsplitDataSource dataSource;

	@BeforeAll
	static void createTable() throws SQLException {
		SharedMySqlCluster.get()
			.executeOnPrimaryAndAwaitReplicas(
					"CREATE TABLE IF NOT EXISTS test_support_posts (id VARCHAR(36) PRIMARY KEY, title VARCHAR(100))");
	}

	@Test
	void theTestClusterReplacesTheApplicationsNodes() {
		assertThat(this.dataSource.getRouter().getReplicas()).extracting(ReplicaNode::name)
			.containsExactlyInAnyOrder("replica-1", "replica-2");
		assertThat(this.dataSource.getRouter().getReplicas()).extracting(ReplicaNode::group)
			.containsExactlyInAnyOrder("default", "reporting");
	}

	@Test
	void readsGoToTheSameReplicaEveryTimeAndWritesToThePrimary() {
		for (int i = 0; i < 4; i++) {
			// replica-1 is server 2; round-robin would have alternated with replica-2 (server 3), but
			// replica-2 is in the reporting group here, so compare with the recorder too.
			assertThat(this.posts.readOnlyServerId()).isEqualTo(2L);
		}
		assertThat(this.routes).hasSize(4).allWentToReplicas();
		assertThat(this.routes).last().wentTo("replica-1").withReason(RouteReason.READ_ONLY_TRANSACTION);

		this.routes.reset();
		String id = UUID.randomUUID().toString();
		this.posts.publish(id, "on the test cluster");
		assertThat(this.routes).single().wentToPrimary();
	}

	@Test
	void groupsFromTheAnnotationServeAnnotatedReads() {
		assertThat(this.posts.reportingServerId()).isEqualTo(3L);
		assertThat(this.routes).single().wentTo("replica-2").inGroup("reporting").withReason(RouteReason.ANNOTATION);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Posts.class)
	static class App {

	}

}
