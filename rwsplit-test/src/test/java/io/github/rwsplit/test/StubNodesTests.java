package io.github.rwsplit.test;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import io.github.rwsplit.routing.ReplicaNode;
import io.github.rwsplit.routing.RouteReason;
import io.github.rwsplit.routing.RwsplitDataSource;

import static io.github.rwsplit.test.RouteAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Routing rules tested as an application would, with no MySQL: stub nodes and the recorder. The
 * application's own node entries (here, properties pointing nowhere) never matter.
 */
@SpringBootTest(classes = StubNodesTests.App.class, properties = {
		"rwsplit.primary.url=jdbc:mysql://db-primary.invalid:3306/app",
		"rwsplit.replicas.app-replica.url=jdbc:mysql://db-replica.invalid:3306/app" })
@RwsplitStubNodes(replicas = { "replica-2", "replica-1", "reporting-1=reporting" })
@RecordRoutes
class StubNodesTests {

	@Autowired
	Posts posts;

	@Autowired
	RouteRecorder routes;

	@Autowired
	RwsplitDataSource dataSource;

	@BeforeEach
	void setUpDoesNotCount() {
		this.posts.publish("set-up", "not recorded");
	}

	@Test
	void readOnlyTransactionsGoToTheFirstReplicaByName() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.posts.titles()).isEmpty();
		}
		assertThat(this.routes).hasSize(3).allWentToReplicas();
		assertThat(this.routes).last().wentTo("replica-1").inGroup("default")
			.withReason(RouteReason.READ_ONLY_TRANSACTION);
	}

	@Test
	void writesAnnotationsAndGroupsAreRecordedInOrder() {
		this.posts.publish("1", "hello");
		this.posts.report();
		this.posts.freshTitles();
		assertThat(this.routes).hasSize(3);
		assertThat(this.routes).route(0).wentToPrimary().wentTo("primary").withReason(RouteReason.DEFAULT);
		assertThat(this.routes).route(1).wentTo("reporting-1").inGroup("reporting").withReason(RouteReason.ANNOTATION);
		assertThat(this.routes).route(2).wentToPrimary().withReason(RouteReason.ANNOTATION);
	}

	@Test
	void theApplicationsOwnNodesAreNotUsed() {
		assertThat(this.dataSource.getRouter().view().primary()).isEqualTo("primary");
		assertThat(this.dataSource.getRouter().getReplicas()).extracting(ReplicaNode::name)
			.containsExactly("replica-2", "replica-1", "reporting-1");
	}

	@Test
	void failuresSayWhereTheWorkWent() {
		this.posts.publish("2", "written");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.routes).single().wentToReplica())
			.withMessageContaining("Expected the route to go to a replica, but it went to the primary 'primary' (reason: default)");
		this.routes.reset();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(this.routes).last())
			.withMessageContaining("no connection was checked out");
		assertThat(this.routes).isEmpty();
		List<RecordedRoute> none = this.routes.routes();
		assertThat(none).isEmpty();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Posts.class)
	static class App {

	}

}
