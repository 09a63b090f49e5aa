/**
 * JUnit Jupiter support: {@link io.github.rwsplit.testcluster.junit.MySqlClusterTest} gives a
 * test class a running cluster, shared or of its own.
 */
@NullMarked
package io.github.rwsplit.testcluster.junit;

import org.jspecify.annotations.NullMarked;
