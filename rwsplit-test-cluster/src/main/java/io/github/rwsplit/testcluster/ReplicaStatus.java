package io.github.rwsplit.testcluster;

import org.jspecify.annotations.Nullable;

/**
 * What {@code SHOW REPLICA STATUS} said about a replica at one moment.
 *
 * @param ioThreadRunning whether the receiver (I/O) thread is running
 * @param sqlThreadRunning whether the applier (SQL) thread is running
 * @param secondsBehindSource {@code Seconds_Behind_Source}, or {@code null} when MySQL reports
 * none (for example while the applier is stopped); {@code null} never means "no lag"
 * @param sourceDelaySeconds the configured {@code SOURCE_DELAY}
 * @param lastError the last I/O or SQL error, or an empty string
 */
public record ReplicaStatus(boolean ioThreadRunning, boolean sqlThreadRunning, @Nullable Long secondsBehindSource,
		int sourceDelaySeconds, String lastError) {

	/**
	 * Whether both replication threads are running.
	 * @return {@code true} when the replica is replicating
	 */
	public boolean isReplicating() {
		return this.ioThreadRunning && this.sqlThreadRunning;
	}

}
