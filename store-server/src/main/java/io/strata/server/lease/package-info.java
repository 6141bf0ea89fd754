/**
 * The leader's lease duties: {@link io.strata.server.lease.LeaseExpirer} revokes expired leases and
 * checkpoints remaining TTLs by proposing commands through Raft. Members that do not lead do
 * nothing here; the lease table itself is {@code core.lease.Lessor}, applied on every member.
 */
@NullMarked
package io.strata.server.lease;

import org.jspecify.annotations.NullMarked;
