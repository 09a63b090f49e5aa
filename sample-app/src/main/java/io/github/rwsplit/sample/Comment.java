package io.github.rwsplit.sample;

import java.time.LocalDateTime;

/**
 * A comment on a post.
 *
 * @param id the comment's id
 * @param postId the post it belongs to
 * @param author who wrote it
 * @param text what it says
 * @param createdAt when it was written
 */
record Comment(long id, long postId, String author, String text, LocalDateTime createdAt) {
}
