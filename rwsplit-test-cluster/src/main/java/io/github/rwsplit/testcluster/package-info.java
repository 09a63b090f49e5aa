/**
 * A real MySQL replication cluster — one primary and N GTID replicas on loopback — for
 * integration tests and local development, with the fault controls that routing, lag and
 * consistency tests need and the topology changes (switchover, failover, split brain) that
 * following the primary needs; and a Group Replication group in single-primary mode
 * ({@link io.github.rwsplit.testcluster.GroupReplicationCluster}) on the same installation.
 *
 * <p>{@link io.github.rwsplit.testcluster.MySqlReplicationClusters#start(ClusterSpec)} is the
 * entry point; {@link io.github.rwsplit.testcluster.SharedMySqlCluster} hands out one cluster per
 * JVM for tests that leave it intact. Nothing here is used by the rwsplit library at run time.
 */
@NullMarked
package io.github.rwsplit.testcluster;

import org.jspecify.annotations.NullMarked;
