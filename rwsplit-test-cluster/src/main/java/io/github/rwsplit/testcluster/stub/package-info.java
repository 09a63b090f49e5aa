/**
 * A JDBC stand-in without a database, for fast tests and benchmarks of what sits in front of
 * the driver (pools, routers, transaction managers).
 */
@NullMarked
package io.github.rwsplit.testcluster.stub;

import org.jspecify.annotations.NullMarked;
