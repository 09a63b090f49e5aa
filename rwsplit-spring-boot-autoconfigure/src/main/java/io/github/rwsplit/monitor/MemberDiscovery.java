package io.github.rwsplit.monitor;

/**
 * Turns a Group Replication member that no configuration names into a node rwsplit can use: its
 * pools, its place in the router, and how the monitor reaches it. The monitor asks once per
 * member it finds in the group's member list ({@code rwsplit.topology.member-url-template}).
 */
@FunctionalInterface
public interface MemberDiscovery {

	/**
	 * Adds a member.
	 * @param host the host the member reports ({@code MEMBER_HOST})
	 * @param port the port it reports ({@code MEMBER_PORT})
	 * @return how the monitor reaches it; the endpoint's name is the node's name in the router
	 * @throws RuntimeException when it cannot be added; the monitor says so once and does not ask again
	 */
	ReplicaLagMonitor.Endpoint discovered(String host, int port);

}
