package io.github.rwsplit.sample;

import java.time.LocalDateTime;

/**
 * A blog post.
 *
 * @param id the post's id
 * @param title its title
 * @param body its text
 * @param createdAt when it was written
 */
record Post(long id, String title, String body, LocalDateTime createdAt) {
}
