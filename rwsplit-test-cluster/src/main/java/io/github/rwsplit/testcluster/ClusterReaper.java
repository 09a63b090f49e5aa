package io.github.rwsplit.testcluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes every cluster still open when the JVM exits normally (including after failed tests).
 * A JVM that is killed cannot run hooks; each local cluster also has a watchdog process for that.
 */
final class ClusterReaper {

	private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ClusterReaper::closeAll, "rwsplit-cluster-reaper"));
	}

	private ClusterReaper() {
	}

	static void register(AutoCloseable cluster) {
		OPEN.add(cluster);
	}

	static void unregister(AutoCloseable cluster) {
		OPEN.remove(cluster);
	}

	private static void closeAll() {
		List<AutoCloseable> clusters = new ArrayList<>(OPEN);
		for (AutoCloseable cluster : clusters) {
			try {
				cluster.close();
			}
			catch (Exception ex) {
				// Keep closing the others.
			}
		}
	}

}
