package io.strata.core.lease;

import io.strata.core.schema.RevisionKeys;

/**
 * One lease as every member stores it. Keys attached to it are not held here: the store's lease
 * index ({@link io.strata.core.mvcc.KvStore#leaseKeys}) has them.
 *
 * @param id the lease id (never 0, etcd's {@code NoLease})
 * @param ttl the granted TTL in seconds, what a grant or keep-alive answers
 * @param checkpointedTtl the remaining TTL in seconds written by the last checkpoint since the
 *     grant or the last renewal; 0 when there was none, which means "the full {@code ttl}"
 * @param renewedAt the applied index of the grant or of the last renewal; a checkpoint or an expiry
 *     decided on a state older than this is stale and ignored
 */
public record Lease(long id, long ttl, long checkpointedTtl, long renewedAt) {

  /** The TTL in seconds a member restarts this lease's deadline from when it has nothing newer. */
  public long resumeTtl() {
    return checkpointedTtl > 0 ? checkpointedTtl : ttl;
  }

  Lease withCheckpoint(long remainingTtl) {
    return new Lease(id, ttl, remainingTtl, renewedAt);
  }

  Lease renewed(long index) {
    return new Lease(id, ttl, 0, index);
  }

  /** The stored form: granted TTL, checkpointed TTL, renewal index, as big-endian longs. */
  byte[] encode() {
    byte[] out = new byte[24];
    RevisionKeys.putLong(out, 0, ttl);
    RevisionKeys.putLong(out, 8, checkpointedTtl);
    RevisionKeys.putLong(out, 16, renewedAt);
    return out;
  }

  static Lease decode(long id, byte[] value) {
    if (value.length != 24) {
      throw new io.strata.core.BackendException(
          "corrupt lease record " + Long.toHexString(id) + ": " + value.length + " bytes");
    }
    return new Lease(
        id,
        RevisionKeys.getLong(value, 0),
        RevisionKeys.getLong(value, 8),
        RevisionKeys.getLong(value, 16));
  }
}
