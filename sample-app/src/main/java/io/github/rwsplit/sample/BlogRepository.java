package io.github.rwsplit.sample;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * Posts and comments in MySQL, with plain SQL.
 */
@Repository
class BlogRepository {

	private final JdbcClient jdbc;

	private final SampleProperties properties;

	BlogRepository(JdbcClient jdbc, SampleProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	long insertPost(String title, String body) {
		KeyHolder keys = new GeneratedKeyHolder();
		this.jdbc.sql("INSERT INTO post (title, body) VALUES (?, ?)").params(title, body).update(keys);
		return keys.getKey().longValue();
	}

	long insertComment(long postId, String author, String text) {
		KeyHolder keys = new GeneratedKeyHolder();
		this.jdbc.sql("INSERT INTO comment (post_id, author, text) VALUES (?, ?, ?)")
			.params(postId, author, text)
			.update(keys);
		return keys.getKey().longValue();
	}

	List<Post> findPosts() {
		return this.jdbc.sql("SELECT id, title, body, created_at FROM post ORDER BY id DESC LIMIT 100")
			.query(Post.class)
			.list();
	}

	boolean postExists(long postId) {
		return this.jdbc.sql("SELECT COUNT(*) FROM post WHERE id = ?").param(postId).query(Long.class).single() > 0;
	}

	List<Comment> findComments(long postId) {
		return this.jdbc.sql("SELECT id, post_id, author, text, created_at FROM comment WHERE post_id = ? ORDER BY id")
			.param(postId)
			.query(Comment.class)
			.list();
	}

	/** The server this transaction's connection is on. */
	ServedBy servedBy() {
		long serverId = this.jdbc.sql("SELECT @@server_id").query(Long.class).single();
		return new ServedBy(serverId, this.properties.nodeName(serverId));
	}

}
