/**
 * MySQL GTID sets as values: parsing {@code gtid_executed} text and testing containment, which is
 * how the lag monitor (and read-your-writes) tells whether a replica has applied a set of
 * transactions.
 */
package io.github.rwsplit.gtid;
