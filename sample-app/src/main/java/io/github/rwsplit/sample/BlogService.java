package io.github.rwsplit.sample;

import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The blog's use cases, one transaction each. Reads are {@code readOnly} transactions, so rwsplit
 * runs them on a replica; writes are read-write transactions on the primary. Each result says
 * which server ran its transaction.
 *
 * <p>Replication is asynchronous, but rwsplit's read-your-writes makes a client that sends back its
 * consistency token (the cookie, or the {@code X-Rwsplit-Consistency} header) see its own comment
 * on the very next read, still from a replica.
 */
@Service
class BlogService {

	private final BlogRepository repository;

	BlogService(BlogRepository repository) {
		this.repository = repository;
	}

	@Transactional
	Served<Post> createPost(String title, String body) {
		long id = this.repository.insertPost(title, body);
		return new Served<>(new Post(id, title, body, null), this.repository.servedBy());
	}

	@Transactional
	Served<Comment> addComment(long postId, String author, String text) {
		if (!this.repository.postExists(postId)) {
			throw new PostNotFoundException(postId);
		}
		long id = this.repository.insertComment(postId, author, text);
		return new Served<>(new Comment(id, postId, author, text, null), this.repository.servedBy());
	}

	@Transactional(readOnly = true)
	Served<List<Post>> listPosts() {
		return new Served<>(this.repository.findPosts(), this.repository.servedBy());
	}

	@Transactional(readOnly = true)
	Served<List<Comment>> listComments(long postId) {
		return new Served<>(this.repository.findComments(postId), this.repository.servedBy());
	}

	/**
	 * A result and the server that produced it.
	 *
	 * @param <T> the result's type
	 * @param data the result
	 * @param servedBy the server
	 */
	record Served<T>(T data, ServedBy servedBy) {
	}

	/** A post that does not exist. */
	static class PostNotFoundException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		PostNotFoundException(long postId) {
			super("No post with id " + postId);
		}

	}

}
