package io.github.rwsplit.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * rwsplit's observations and their key names.
 */
public enum RwsplitObservationDocumentation implements ObservationDocumentation {

	/**
	 * One of rwsplit's own waits: a read-your-writes or catch-up wait on a replica
	 * ({@code WAIT_FOR_EXECUTED_GTID_SET}), a write barrier, or a fallback wait for a replica, a
	 * writable primary or a newer primary position.
	 */
	WAIT {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultWaitObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return WaitKeyNames.values();
		}

	};

	/** The low-cardinality keys of {@link #WAIT}. */
	public enum WaitKeyNames implements KeyName {

		/** The node waited on; {@code none} for a wait for the topology or for several replicas (a write barrier). */
		NODE {
			@Override
			public String asString() {
				return "node";
			}
		},

		/** The role of the node waited on or for: {@code replica} or {@code primary}. */
		ROLE {
			@Override
			public String asString() {
				return "role";
			}
		},

		/**
		 * What the wait is for: {@code read-your-writes}, {@code catch-up}, {@code write-barrier},
		 * {@code no-replica}, {@code no-primary}, {@code primary-position}.
		 */
		REASON {
			@Override
			public String asString() {
				return "reason";
			}
		},

		/** How it ended: {@code reached}, {@code timeout}, {@code error}; absent while it runs. */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		}

	}

}
