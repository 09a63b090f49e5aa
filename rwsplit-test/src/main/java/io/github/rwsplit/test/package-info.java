/**
 * Testing an application's own routing: {@link io.github.rwsplit.test.RecordRoutes} records where
 * each connection went and {@link io.github.rwsplit.test.RouteAssertions} asserts it;
 * {@link io.github.rwsplit.test.RwsplitStubNodes} routes over nodes with no database behind them;
 * {@link io.github.rwsplit.test.RwsplitTestCluster} puts the shared real cluster in place of the
 * application's own nodes. See {@code docs/testing.md}.
 */
@NullMarked
package io.github.rwsplit.test;

import org.jspecify.annotations.NullMarked;
