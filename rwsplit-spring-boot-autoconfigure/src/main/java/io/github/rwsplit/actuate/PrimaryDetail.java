package io.github.rwsplit.actuate;

import java.time.temporal.ChronoUnit;

import io.github.rwsplit.monitor.MonitorSnapshot;
import io.github.rwsplit.routing.RoutingTopology.PrimaryStatus;

/**
 * The {@code primary} health detail: the primary's status, with the reason while writes have no
 * writable primary, and, once the monitor has moved the primary, the node's name and since when it
 * is the primary. Until the first move the text stays what it always was ({@code UP}, or
 * {@code DOWN: <reason>}), so that checks written against it keep working.
 * <p>Examples: {@code UP}; {@code DOWN: unreachable: Connection refused};
 * {@code 'replica-1' UP (primary since 2026-12-02T00:44:55.120Z, was 'primary')};
 * {@code 'replica-1' CHANGING: no node is writable}.
 */
final class PrimaryDetail {

	private PrimaryDetail() {
	}

	static String of(MonitorSnapshot snapshot) {
		PrimaryStatus status = snapshot.primaryStatus();
		String reason = snapshot.primaryDownReason();
		String text = (status == PrimaryStatus.UP || reason == null) ? status.name() : status.name() + ": " + reason;
		if (snapshot.primaryChanges() == 0) {
			return text;
		}
		MonitorSnapshot.PrimaryChange last = snapshot.lastPrimaryChange();
		String named = "'" + snapshot.primary() + "' " + text;
		if (status == PrimaryStatus.UP && last != null && last.to().equals(snapshot.primary())) {
			return named + " (primary since " + last.at().truncatedTo(ChronoUnit.MILLIS) + ", was '" + last.from()
					+ "')";
		}
		return named;
	}

	/**
	 * @param change a move of the primary
	 * @return it in one line, for people
	 */
	static String of(MonitorSnapshot.PrimaryChange change) {
		return "'" + change.from() + "' -> '" + change.to() + "' at " + change.at().truncatedTo(ChronoUnit.MILLIS)
				+ ": " + change.reason();
	}

}
