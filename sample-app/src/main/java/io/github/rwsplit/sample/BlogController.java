package io.github.rwsplit.sample;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.github.rwsplit.sample.BlogService.PostNotFoundException;
import io.github.rwsplit.sample.BlogService.Served;

/**
 * The blog's HTTP API. Every response carries {@code servedBy}: the server that ran it.
 */
@RestController
class BlogController {

	private final BlogService blog;

	BlogController(BlogService blog) {
		this.blog = blog;
	}

	@PostMapping("/posts")
	@ResponseStatus(HttpStatus.CREATED)
	Served<Post> createPost(@RequestBody NewPost post) {
		return this.blog.createPost(required(post.title(), "title"), required(post.body(), "body"));
	}

	@GetMapping("/posts")
	Served<List<Post>> posts() {
		return this.blog.listPosts();
	}

	@PostMapping("/posts/{postId}/comments")
	@ResponseStatus(HttpStatus.CREATED)
	Served<Comment> addComment(@PathVariable long postId, @RequestBody NewComment comment) {
		return this.blog.addComment(postId, required(comment.author(), "author"), required(comment.text(), "text"));
	}

	@GetMapping("/posts/{postId}/comments")
	Served<List<Comment>> comments(@PathVariable long postId) {
		return this.blog.listComments(postId);
	}

	@ExceptionHandler(PostNotFoundException.class)
	ProblemDetail notFound(PostNotFoundException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ProblemDetail badRequest(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	private static String required(String value, String field) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("'" + field + "' is required");
		}
		return value;
	}

	/**
	 * A post to create.
	 *
	 * @param title its title
	 * @param body its text
	 */
	record NewPost(String title, String body) {
	}

	/**
	 * A comment to add.
	 *
	 * @param author who writes it
	 * @param text what it says
	 */
	record NewComment(String author, String text) {
	}

}
