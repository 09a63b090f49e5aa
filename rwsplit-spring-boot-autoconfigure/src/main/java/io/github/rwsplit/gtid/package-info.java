/**
 * MySQL GTID sets as values: parsing {@code gtid_executed} text and testing containment, which is
 * how the lag monitor (and read-your-writes) tells whether a replica has applied a set of
 * transactions. Also the only two GTID statements rwsplit sends ({@link io.github.rwsplit.gtid.GtidStatements},
 * each bounded on the client) and the per-node cap on how many of its waits run at once
 * ({@link io.github.rwsplit.gtid.WaitPermits}).
 */
@NullMarked
package io.github.rwsplit.gtid;

import org.jspecify.annotations.NullMarked;
