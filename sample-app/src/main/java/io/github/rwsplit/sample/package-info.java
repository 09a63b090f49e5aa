/**
 * The rwsplit sample: a blog whose responses say which MySQL server answered, so that routing
 * can be watched with {@code curl}.
 */
package io.github.rwsplit.sample;
