/**
 * rwsplit's Connector/J plug-ins, which the driver creates by class name from connection
 * properties: GTID capture from the OK packet, replica connection failures and refused writes,
 * statement response times, and the slow-statement log. Not an API: the auto-configuration
 * installs them on the pools it builds. {@link io.github.rwsplit.mysql.RwsplitRuntimeHints}
 * declares them for native images.
 */
@NullMarked
package io.github.rwsplit.mysql;

import org.jspecify.annotations.NullMarked;
