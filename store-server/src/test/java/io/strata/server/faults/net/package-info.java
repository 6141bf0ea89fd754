/**
 * Network faults on the Raft peer links, without root, iptables or traffic control: every directed
 * link between two members goes through a fault-injecting TCP proxy in the test JVM.
 *
 * <p>All members share one peer-address list ({@code --initial-cluster}, and Ratis replicates the
 * configuration with those addresses), so per-link routing cannot come from the addresses
 * themselves. Instead members advertise host names ({@code m2-peer:port}) and each member JVM
 * resolves them through its own hosts file ({@code jdk.net.hosts.file}): for member i the name of
 * member j resolves to {@code 127.0.i.j}, where the proxy for the link i→j listens and forwards to
 * j's real peer port. The proxy therefore knows source and destination of every connection and can
 * cut, stall or slow exactly the links a fault names. Key types: {@link
 * io.strata.server.faults.net.PeerNetwork}, {@link io.strata.server.faults.net.LinkProxy}.
 */
@NullMarked
package io.strata.server.faults.net;

import org.jspecify.annotations.NullMarked;
