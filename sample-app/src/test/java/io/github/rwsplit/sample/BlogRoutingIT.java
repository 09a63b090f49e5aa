package io.github.rwsplit.sample;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import io.github.rwsplit.sample.BlogService.Served;
import io.github.rwsplit.test.RecordRoutes;
import io.github.rwsplit.test.RouteRecorder;
import io.github.rwsplit.test.RwsplitTestCluster;

import static io.github.rwsplit.test.RouteAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blog's routing, tested the way an application tests its own: the shared test cluster in
 * place of the configured nodes, and the recorder to say where each use case ran.
 */
@SpringBootTest
@RwsplitTestCluster
@RecordRoutes
class BlogRoutingIT {

	@Autowired
	BlogService blog;

	@Autowired
	RouteRecorder routes;

	@Test
	void aPostIsWrittenOnThePrimaryAndListedFromAReplica() {
		Served<Post> created = this.blog.createPost("Routing", "tested like an application");
		assertThat(this.routes).single().wentToPrimary();

		this.routes.reset();
		Served<List<Post>> posts = this.blog.listPosts();
		assertThat(this.routes).single().wentToReplica().wentTo("replica-1");
		// Read-your-writes: the replica that served had the post, however far behind it was.
		assertThat(posts.data()).extracting(Post::id).contains(created.data().id());
	}

	@Test
	void commentsAreWrittenOnThePrimaryAndListedFromAReplica() {
		long post = this.blog.createPost("Comments", "below").data().id();
		this.blog.addComment(post, "ada", "first");
		assertThat(this.routes).hasSize(2).allWentToPrimary();

		this.routes.reset();
		assertThat(this.blog.listComments(post).data()).extracting(Comment::author).containsExactly("ada");
		assertThat(this.routes).single().wentToReplica();
	}

}
