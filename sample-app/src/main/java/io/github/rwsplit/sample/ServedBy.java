package io.github.rwsplit.sample;

/**
 * Which MySQL server answered a request: read on the very connection that did the work.
 *
 * @param serverId the server's {@code @@server_id}
 * @param node the node's name, when known
 */
record ServedBy(long serverId, String node) {
}
