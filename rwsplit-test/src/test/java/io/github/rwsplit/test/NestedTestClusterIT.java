package io.github.rwsplit.test;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import static io.github.rwsplit.test.RouteAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The annotations on a class apply to its {@code @Nested} classes too, the monitor's login
 * included: a nested test reads from a replica, not from the primary that every read would fall
 * back to if the monitor could not log in.
 */
@SpringBootTest(classes = NestedTestClusterIT.App.class, properties = {
		"rwsplit.monitor.username=production-monitor", "rwsplit.monitor.password=not-the-test-password",
		"rwsplit.consistency.mode=eventual" })
@RwsplitTestCluster(groups = "replica-2=reporting")
@RecordRoutes
class NestedTestClusterIT {

	@Nested
	class Reads {

		@Autowired
		Posts posts;

		@Autowired
		RouteRecorder routes;

		@Test
		void goToAReplica() {
			assertThat(this.posts.readOnlyServerId()).isEqualTo(2L);
			assertThat(this.routes).single().wentTo("replica-1");
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Posts.class)
	static class App {

	}

}
