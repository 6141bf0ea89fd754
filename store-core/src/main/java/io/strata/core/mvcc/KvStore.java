package io.strata.core.mvcc;

import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.DeleteRangeResult;
import io.strata.core.kv.Event;
import io.strata.core.kv.HashResult;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.PutResult;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.RangeResult;
import io.strata.core.kv.TxnRequest;
import io.strata.core.kv.TxnResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A versioned key-value store with etcd's semantics.
 *
 * <p>Revisions: a new store is at revision 1. Every write request that changes something (a put, a
 * delete that deletes at least one key, a transaction with such an op) adds exactly one; the ops of
 * one transaction share that revision and get increasing sub-revisions. A delete resets a key's
 * version; the next put creates it again with version 1.
 *
 * <p>Concurrency: reads may run on any thread, concurrently with each other and with the writer,
 * and never block it; each read sees one consistent revision. Writes go through {@link
 * #newBatch()}, one batch at a time.
 *
 * <p>Errors: {@link io.strata.core.InvalidRequestException} for malformed requests, {@link
 * io.strata.core.CompactedException} and {@link io.strata.core.FutureRevisionException} for
 * revisions out of range, {@link io.strata.core.LeaseNotFoundException} for unknown leases; all are
 * raised before anything is written. {@link io.strata.core.BackendException} means the storage
 * failed.
 */
public interface KvStore extends AutoCloseable {

  /** The revision of the last committed change (1 for a new store). */
  long currentRevision();

  /** The revision of the last accepted compaction (0 if none): reads below it fail. */
  long compactRevision();

  /** The marker stored with the last committed batch, or {@link AppliedIndex#NONE}. */
  AppliedIndex appliedIndex();

  /**
   * Reads {@code [key, rangeEnd)} at {@code revision} (0 or below: current). A revision below the
   * compact revision fails with {@code CompactedException}; above the current one with {@code
   * FutureRevisionException}. See {@link RangeRequest} for the interval rules.
   */
  RangeResult range(RangeRequest request);

  /**
   * Opens the single write path. Requests applied to the batch are visible to later requests of the
   * same batch, and to everyone else once {@link ApplyBatch#commit} has written them, together with
   * the caller's marker, in one atomic backend write. Only one batch may be open at a time; this
   * blocks until the previous one is committed or closed.
   */
  ApplyBatch newBatch();

  /** Applies one put as its own batch. */
  default Applied<PutResult> put(PutRequest request, AppliedIndex index) {
    try (ApplyBatch batch = newBatch()) {
      PutResult result = batch.put(request);
      return new Applied<>(result, batch.commit(index));
    }
  }

  /** Applies one delete as its own batch. */
  default Applied<DeleteRangeResult> deleteRange(DeleteRangeRequest request, AppliedIndex index) {
    try (ApplyBatch batch = newBatch()) {
      DeleteRangeResult result = batch.deleteRange(request);
      return new Applied<>(result, batch.commit(index));
    }
  }

  /** Applies one transaction as its own batch. */
  default Applied<TxnResult> txn(TxnRequest request, AppliedIndex index) {
    try (ApplyBatch batch = newBatch()) {
      TxnResult result = batch.txn(request);
      return new Applied<>(result, batch.commit(index));
    }
  }

  /**
   * Compacts at {@code revision} as its own batch; the returned future completes when the old
   * versions are physically removed (etcd's {@code physical=true}).
   */
  default CompletableFuture<Void> compact(long revision, AppliedIndex index) {
    try (ApplyBatch batch = newBatch()) {
      CompletableFuture<Void> done = batch.compact(revision);
      batch.commit(index);
      return done;
    }
  }

  /**
   * The events of revisions {@code fromRevision} through {@code toRevision} (clamped to the current
   * revision) in revision order. When {@code maxEvents} is reached the read stops at the end of a
   * revision, never inside one. {@code fromRevision} below the compact revision fails with {@code
   * CompactedException}. With {@code withPrevKv}, each event carries etcd's prev_kv (see {@link
   * Event}): none for an event at the compact revision, whose {@code revision - 1} is compacted.
   */
  List<Event> history(long fromRevision, long toRevision, boolean withPrevKv, int maxEvents);

  /**
   * A CRC-32C over every version a reader at or above the compact revision can see, up to {@code
   * revision} (0: current): all versions above the compact revision plus, per key, the live version
   * at it. Two stores that applied the same requests return the same hash, however far their
   * physical compaction got.
   */
  HashResult hashKv(long revision);

  /** The keys currently attached to {@code lease}, in key order. */
  List<byte[]> leaseKeys(long lease);

  /** Writes a consistent copy of the store into {@code dir} (which must not exist). */
  void checkpoint(Path dir);

  /** Approximate on-disk size in bytes. */
  long sizeBytes();

  /** Approximate size of the live data in bytes. */
  long sizeInUseBytes();

  /** Stops background work and closes the backend. */
  @Override
  void close();
}
