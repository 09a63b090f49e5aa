package io.github.rwsplit.barrier;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.rwsplit.gtid.GtidSet;

/**
 * How a write barrier ended.
 *
 * @param outcome how it ended
 * @param gtids the commits it waited for, empty when there was nothing to wait for
 * @param group the replica group it counted
 * @param required how many replicas had to apply them
 * @param applied the replicas known to have applied them
 * @param notApplied the replicas that had not, each with why (still behind, unreachable, ...)
 * @param elapsed how long the barrier took
 */
public record BarrierResult(Outcome outcome, GtidSet gtids, String group, int required, List<String> applied,
		Map<String, String> notApplied, Duration elapsed) {

	/** How a barrier ended. The tag values are what metrics show. */
	public enum Outcome {

		/** Enough replicas applied the commits. */
		MET("met"),

		/** The work committed nothing (or changed no row, which MySQL commits without a GTID), so there was nothing to wait for. */
		NOTHING_TO_AWAIT("nothing-to-await"),

		/** Not enough replicas applied the commits before the timeout. */
		TIMED_OUT("timed-out"),

		/** Fewer replicas of the group are in rotation than the barrier needs. */
		TOO_FEW_REPLICAS("too-few-replicas"),

		/** The work wrote, but no GTID was captured (the primary runs without GTIDs). */
		NO_GTID("no-gtid");

		private final String tag;

		Outcome(String tag) {
			this.tag = tag;
		}

		/** @return the outcome as metrics spell it */
		public String tag() {
			return this.tag;
		}

	}

	/** @return whether the caller may rely on the commits being on the replicas it asked for */
	public boolean met() {
		return this.outcome == Outcome.MET || this.outcome == Outcome.NOTHING_TO_AWAIT;
	}

	/** @return the result in words, for exceptions and logs */
	public String describe() {
		StringBuilder text = new StringBuilder("rwsplit: write barrier ");
		switch (this.outcome) {
			case MET -> text.append("met: ");
			case NOTHING_TO_AWAIT -> {
				return text.append("had nothing to wait for: the work committed no write").toString();
			}
			case NO_GTID -> {
				return text.append("cannot tell where the write is: it committed on the primary, but no GTID was ")
					.append("captured (gtid_mode must be ON on the primary; with GTIDs on, this means the lag monitor ")
					.append("has not read the primary's gtid_mode yet, or is off: rwsplit.monitor.enabled)")
					.toString();
			}
			case TOO_FEW_REPLICAS -> text.append("not met: the write committed on the primary (")
				.append(this.gtids)
				.append("), but group '")
				.append(this.group)
				.append("' has only ")
				.append(this.applied.size() + this.notApplied.size())
				.append(" replica(s) in rotation and ")
				.append(this.required)
				.append(" must apply it; ");
			default -> text.append("timed out: the write committed on the primary (")
				.append(this.gtids)
				.append("), but only ")
				.append(this.applied.size())
				.append(" of the ")
				.append(this.required)
				.append(" replica(s) of group '")
				.append(this.group)
				.append("' it needs applied it within ")
				.append(this.elapsed.toMillis())
				.append(" ms; ");
		}
		text.append("applied on ").append(this.applied.isEmpty() ? "none" : String.join(", ", this.applied));
		if (!this.notApplied.isEmpty()) {
			text.append("; not on ");
			boolean first = true;
			for (Map.Entry<String, String> entry : this.notApplied.entrySet()) {
				text.append(first ? "" : ", ").append(entry.getKey()).append(" (").append(entry.getValue()).append(')');
				first = false;
			}
		}
		return text.append('.').toString();
	}

}
