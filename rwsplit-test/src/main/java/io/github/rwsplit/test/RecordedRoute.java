package io.github.rwsplit.test;

import org.jspecify.annotations.Nullable;

import io.github.rwsplit.routing.Route;
import io.github.rwsplit.routing.RouteReason;

/**
 * Where one connection went.
 *
 * @param node the node's name, as configured ({@code rwsplit.replicas.<name>}) or discovered
 * @param route {@link Route#PRIMARY} for the primary's pool, {@link Route#REPLICA} for a replica's
 * @param group the replica group, or {@code null} for the primary
 * @param reason why it went there
 * @param thread the name of the thread that asked for the connection
 */
public record RecordedRoute(String node, Route route, @Nullable String group, RouteReason reason, String thread) {

	@Override
	public String toString() {
		return ((this.route == Route.PRIMARY) ? "primary '" + this.node + "'"
				: "replica '" + this.node + "' of group '" + this.group + "'") + " (reason: " + this.reason.tag() + ")";
	}

}
