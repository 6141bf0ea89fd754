/**
 * etcd's leases: TTL-bound ids that keys attach to, revoked with all their keys when they expire.
 *
 * <p>Key types: {@link io.strata.core.lease.Lessor} (the lease table, applied deterministically on
 * every member and persisted with the store, plus each member's own deadline estimates), {@link
 * io.strata.core.lease.Lease} (one lease as it is replicated and stored), {@link
 * io.strata.core.lease.LeaseIdGenerator} (etcd's id scheme for server-chosen ids). Rules: what the
 * log applies is deterministic (ids, granted TTLs, checkpointed remaining TTLs, the index of the
 * last renewal); deadlines are member-local readings of an injected {@link
 * io.strata.core.time.Clock} and never decide anything at apply time. Only a leader acts on them,
 * by proposing revokes and checkpoints through the log.
 */
@NullMarked
package io.strata.core.lease;

import org.jspecify.annotations.NullMarked;
