/**
 * Statement classification for reads outside transactions: a scanner of MySQL's syntax, the
 * classifier that sends to a replica only what it can prove to be a plain read, and literal
 * masking for logs.
 */
@NullMarked
package io.github.rwsplit.statement;

import org.jspecify.annotations.NullMarked;
