package io.strata.core.mvcc;

import io.strata.core.CompactedException;
import io.strata.core.FutureRevisionException;
import io.strata.core.InvalidRequestException;
import io.strata.core.InvalidRequestException.Reason;
import io.strata.core.LeaseNotFoundException;
import io.strata.core.backend.ReadView;
import io.strata.core.backend.WriteBatch;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.Compare;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.DeleteRangeResult;
import io.strata.core.kv.Event;
import io.strata.core.kv.KeyValue;
import io.strata.core.kv.Op;
import io.strata.core.kv.OpResult;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.PutResult;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.RangeResult;
import io.strata.core.kv.TxnRequest;
import io.strata.core.kv.TxnResult;
import io.strata.core.schema.ColumnFamilies;
import io.strata.core.schema.MetaKeys;
import io.strata.core.schema.RevisionKeys;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The write path: requests applied one after another, each at its own revision, then committed
 * together with the caller's {@link AppliedIndex} in one atomic backend write.
 *
 * <p>Each request is checked in full (etcd's request rules, revisions, leases, keys that must
 * exist) before it writes anything, so a request that fails leaves no trace and the batch stays
 * usable. Later requests of the batch see the versions earlier ones wrote; other readers see them
 * only after {@link #commit}. Not thread safe: one writer thread owns the batch until it is
 * committed or closed.
 */
public final class ApplyBatch implements AutoCloseable {
  private static final long LATEST = Long.MAX_VALUE;

  private final MvccStore store;
  private final ReadView latest;
  private final WriteBatch batch;
  private final NavigableMap<byte[], List<Version>> overlay =
      new TreeMap<>(Arrays::compareUnsigned);
  private final VersionScanner scanner;
  private final List<Event> events = new ArrayList<>();
  private final long startRevision;
  private final long startCompactRevision;

  /** The current revision, counting the requests applied to this batch. */
  private long revision;

  private long compactRevision;
  private @Nullable CompletableFuture<Void> compaction;

  /** The revision the request being applied writes at, and the next sub-revision. */
  private long writeMain;

  private int writeSub;
  private boolean poisoned;
  private boolean finished;

  ApplyBatch(MvccStore store, ReadView latest, WriteBatch batch) {
    this.store = store;
    this.latest = latest;
    this.batch = batch;
    this.scanner = new VersionScanner(latest, overlay);
    this.startRevision = store.currentRevision();
    this.startCompactRevision = store.compactRevision();
    this.revision = startRevision;
    this.compactRevision = startCompactRevision;
  }

  /** The current revision as seen by this batch. */
  public long revision() {
    return revision;
  }

  /** etcd's Put: a new version of the key at a new revision. */
  public PutResult put(PutRequest request) {
    TxnChecks.checkPut(request);
    // etcd's Put looks the lease up first; a put inside a transaction checks the key first.
    checkLease(request);
    checkPutPreconditions(request);
    begin();
    try {
      PutResult result = doPut(request);
      end();
      return result;
    } catch (RuntimeException e) {
      poisoned = true;
      throw e;
    }
  }

  /**
   * etcd's DeleteRange: a tombstone for every live key of the range, all at one new revision; the
   * revision does not change if nothing was deleted.
   */
  public DeleteRangeResult deleteRange(DeleteRangeRequest request) {
    TxnChecks.checkDelete(request);
    begin();
    try {
      DeleteRangeResult result = doDelete(request);
      end();
      return result;
    } catch (RuntimeException e) {
      poisoned = true;
      throw e;
    }
  }

  /**
   * Deletes every live key of {@code keys}, all at one new revision with increasing sub-revisions
   * in the given order (etcd's lease revoke: the keys attached to a lease go in one write). Keys
   * that are not live are skipped; if none is, the revision does not change. Unlike a {@link #txn},
   * the number of keys is not limited by {@code maxTxnOps}.
   */
  public DeleteRangeResult deleteKeys(List<byte[]> keys) {
    for (byte[] key : keys) {
      TxnChecks.checkDelete(DeleteRangeRequest.key(key));
    }
    begin();
    try {
      long deleted = 0;
      for (byte[] key : keys) {
        deleted += doDelete(DeleteRangeRequest.key(key)).deleted();
      }
      end();
      return new DeleteRangeResult(revision, deleted, List.of());
    } catch (RuntimeException e) {
      poisoned = true;
      throw e;
    }
  }

  /** etcd's Txn: see {@link TxnRequest}. */
  public TxnResult txn(TxnRequest request) {
    TxnChecks.checkTxn(request, store.config().maxTxnOps());
    Deque<Boolean> path = new ArrayDeque<>();
    choosePath(request, path);
    checkChosenOps(request, new ArrayDeque<>(path));
    begin();
    try {
      TxnResult result = execute(request, path.iterator());
      end();
      return new TxnResult(revision, result.succeeded(), result.responses());
    } catch (RuntimeException e) {
      poisoned = true;
      throw e;
    }
  }

  /**
   * etcd's Compact: from now on reads below {@code rev} fail. Old versions are removed in the
   * background after commit; the future completes when they are gone.
   */
  public CompletableFuture<Void> compact(long rev) {
    if (rev <= compactRevision) {
      throw new CompactedException(compactRevision);
    }
    if (rev > revision) {
      throw new FutureRevisionException(revision);
    }
    compactRevision = rev;
    batch.put(ColumnFamilies.META, MetaKeys.SCHEDULED_COMPACT, RevisionKeys.longBytes(rev));
    CompletableFuture<Void> done = new CompletableFuture<>();
    compaction = done;
    return done;
  }

  /**
   * Stores a member-state value (alarms, and later membership and leases) in the same atomic write
   * as the batch, under a namespace the engine never uses itself. It does not change the revision.
   */
  public void putState(String name, byte[] value) {
    batch.put(ColumnFamilies.META, MetaKeys.stateKey(name), value);
  }

  /** Removes a member-state value in the same atomic write as the batch. */
  public void deleteState(String name) {
    batch.delete(ColumnFamilies.META, MetaKeys.stateKey(name));
  }

  /** A read inside the batch, seeing what earlier requests of the batch wrote. */
  public RangeResult range(RangeRequest request) {
    TxnChecks.checkRange(request);
    checkReadRevision(request.revision());
    return readRange(request);
  }

  /**
   * Writes everything applied so far, with {@code index}, in one atomic backend write, then makes
   * it visible to readers. A batch with no request still records {@code index}.
   *
   * @return the events of the batch in revision order
   */
  public List<Event> commit(AppliedIndex index) {
    if (finished) {
      throw new IllegalStateException("batch already committed or closed");
    }
    if (poisoned) {
      throw new IllegalStateException("a request of this batch failed half way; it cannot commit");
    }
    if (revision != startRevision) {
      batch.put(ColumnFamilies.META, MetaKeys.REVISION, RevisionKeys.longBytes(revision));
    }
    byte[] marker = new byte[16];
    RevisionKeys.putLong(marker, 0, index.term());
    RevisionKeys.putLong(marker, 8, index.index());
    batch.put(ColumnFamilies.META, MetaKeys.APPLIED_INDEX, marker);
    // Readers trust a cached version at or below a revision they have seen, so the cache learns
    // this batch's versions before the store publishes its revision, and unlearns them if the
    // commit fails.
    LatestVersions cache = store.latestVersions();
    for (List<Version> versions : overlay.values()) {
      cache.put(versions.get(versions.size() - 1));
    }
    try {
      store.commit(batch, revision, compactRevision, index, compaction);
    } catch (RuntimeException e) {
      for (byte[] key : overlay.keySet()) {
        cache.remove(key);
      }
      throw e;
    }
    finish();
    return List.copyOf(events);
  }

  /** Discards the batch if it was not committed and lets the next writer in. */
  @Override
  public void close() {
    if (!finished) {
      finish();
    }
  }

  private void finish() {
    finished = true;
    try {
      batch.close();
      latest.close();
    } finally {
      store.releaseWriter();
    }
  }

  private void begin() {
    if (finished) {
      throw new IllegalStateException("batch already committed or closed");
    }
    writeMain = revision + 1;
    writeSub = 0;
  }

  private void end() {
    if (writeSub > 0) {
      revision = writeMain;
    }
  }

  /** The revision reads of the current request see: its own writes so far included. */
  private long readRevision() {
    return writeSub > 0 ? writeMain : revision;
  }

  private void checkReadRevision(long rev) {
    if (rev > revision) {
      throw new FutureRevisionException(revision);
    }
    if (rev > 0 && rev < compactRevision) {
      throw new CompactedException(compactRevision);
    }
  }

  private void checkPutPreconditions(PutRequest r) {
    if (r.ignoreValue() || r.ignoreLease()) {
      if (liveVersion(r.key()) == null) {
        throw new InvalidRequestException(Reason.KEY_NOT_FOUND);
      }
    }
    checkLease(r);
  }

  private void checkLease(PutRequest r) {
    if (r.lease() != 0 && !store.leaseExists(r.lease())) {
      throw new LeaseNotFoundException(r.lease());
    }
  }

  private @Nullable Version liveVersion(byte[] key) {
    Version v = newestVersion(key);
    return v == null || v.tombstone() ? null : v;
  }

  /** The newest version of {@code key}: this batch's, else the cached or stored committed one. */
  private @Nullable Version newestVersion(byte[] key) {
    List<Version> pending = overlay.get(key);
    if (pending != null) {
      return pending.get(pending.size() - 1);
    }
    LatestVersions cache = store.latestVersions();
    Version v = cache.get(key);
    if (v == null) {
      v = cache.complete() ? null : scanner.get(key, LATEST);
      // A key that never existed is remembered as a tombstone: "no live version" either way, and
      // the put that usually follows creates it without a second seek.
      cache.put(v != null ? v : Version.tombstone(key, 0, 0));
    }
    return v;
  }

  private @Nullable Version liveVersionAt(byte[] key, long rev) {
    Version v = scanner.get(key, rev);
    return v == null || v.tombstone() ? null : v;
  }

  private PutResult doPut(PutRequest r) {
    Version prev = liveVersion(r.key());
    byte[] value = r.ignoreValue() && prev != null ? prev.value() : r.value();
    long lease = r.ignoreLease() && prev != null ? prev.lease() : r.lease();
    long create = prev != null ? prev.createRevision() : writeMain;
    long version = prev != null ? prev.version() + 1 : 1;
    Version v = Version.live(r.key(), writeMain, writeSub++, create, version, lease, value);
    write(v);
    long prevLease = prev != null ? prev.lease() : 0;
    if (prevLease != lease) {
      if (prevLease != 0) {
        batch.delete(ColumnFamilies.LEASE, RevisionKeys.leaseKey(prevLease, r.key()));
      }
      if (lease != 0) {
        batch.put(ColumnFamilies.LEASE, RevisionKeys.leaseKey(lease, r.key()), Bytes.EMPTY);
      }
    }
    KeyValue prevKv = prev != null ? prev.toKeyValue() : null;
    events.add(new Event(Event.Type.PUT, v.toKeyValue(), prevKv));
    return new PutResult(writeMain, r.prevKv() ? prevKv : null);
  }

  private DeleteRangeResult doDelete(DeleteRangeRequest r) {
    List<Version> doomed = new ArrayList<>();
    scanner.scan(
        KeyRange.of(r.key(), r.rangeEnd()),
        LATEST,
        v -> {
          if (!v.tombstone()) {
            doomed.add(v);
          }
          return true;
        });
    List<KeyValue> prevKvs = new ArrayList<>(r.prevKv() ? doomed.size() : 0);
    for (Version prev : doomed) {
      Version t = Version.tombstone(prev.key(), writeMain, writeSub++);
      write(t);
      if (prev.lease() != 0) {
        batch.delete(ColumnFamilies.LEASE, RevisionKeys.leaseKey(prev.lease(), prev.key()));
      }
      KeyValue prevKv = prev.toKeyValue();
      // etcd's watch reads prev_kv at revision - 1: a put of this same transaction is not it.
      Version before = prev.main() == writeMain ? liveVersionAt(prev.key(), revision) : prev;
      events.add(
          new Event(
              Event.Type.DELETE, t.toKeyValue(), before == null ? null : before.toKeyValue()));
      if (r.prevKv()) {
        prevKvs.add(prevKv);
      }
    }
    return new DeleteRangeResult(readRevision(), doomed.size(), prevKvs);
  }

  private RangeResult readRange(RangeRequest r) {
    long current = readRevision();
    long rev = r.revision() > 0 ? r.revision() : current;
    return RangeExecutor.execute(r, scanner::scan, rev, current);
  }

  private void write(Version v) {
    batch.put(ColumnFamilies.KEY, v.versionKey(), v.encodeValue());
    batch.put(ColumnFamilies.REVISION, v.revisionKey(), v.key());
    overlay.computeIfAbsent(v.key(), k -> new ArrayList<>(1)).add(v);
  }

  // --- transactions -------------------------------------------------------------------------

  /**
   * Evaluates the compares of the transaction and of the nested transactions on the chosen
   * branches, in pre-order, against the state before the transaction (etcd's compareToPath).
   */
  private void choosePath(TxnRequest r, Deque<Boolean> path) {
    boolean succeeded = r.compare().stream().allMatch(this::holds);
    path.addLast(succeeded);
    for (Op op : succeeded ? r.success() : r.failure()) {
      if (op instanceof Op.Txn nested) {
        choosePath(nested.request(), path);
      }
    }
  }

  private boolean holds(Compare c) {
    boolean[] any = {false};
    boolean[] all = {true};
    scanner.scan(
        KeyRange.of(c.key(), c.rangeEnd()),
        revision,
        v -> {
          if (v.tombstone()) {
            return true;
          }
          any[0] = true;
          all[0] = compare(c, v.toKeyValue());
          return all[0];
        });
    if (!any[0]) {
      // A missing key has no value to compare; its numeric fields compare as 0.
      return c.target() != Compare.Target.VALUE
          && compare(c, new KeyValue(c.key(), 0, 0, 0, Bytes.EMPTY, 0));
    }
    return all[0];
  }

  private static boolean compare(Compare c, KeyValue kv) {
    int cmp =
        switch (c.target()) {
          case VALUE -> Bytes.compare(kv.value(), c.value());
          case CREATE -> Long.compare(kv.createRevision(), c.number());
          case MOD -> Long.compare(kv.modRevision(), c.number());
          case VERSION -> Long.compare(kv.version(), c.number());
          case LEASE -> Long.compare(kv.lease(), c.number());
        };
    return switch (c.result()) {
      case EQUAL -> cmp == 0;
      case NOT_EQUAL -> cmp != 0;
      case GREATER -> cmp > 0;
      case LESS -> cmp < 0;
    };
  }

  /** Checks what the chosen ops need of the pre-transaction state (etcd's checkRequests). */
  private void checkChosenOps(TxnRequest r, Deque<Boolean> path) {
    boolean succeeded = path.removeFirst();
    for (Op op : succeeded ? r.success() : r.failure()) {
      if (op instanceof Op.Range range) {
        checkReadRevision(range.request().revision());
      } else if (op instanceof Op.Put put) {
        checkPutPreconditions(put.request());
      } else if (op instanceof Op.Txn nested) {
        checkChosenOps(nested.request(), path);
      }
    }
  }

  private TxnResult execute(TxnRequest r, Iterator<Boolean> path) {
    boolean succeeded = path.next();
    List<Op> ops = succeeded ? r.success() : r.failure();
    List<OpResult> results = new ArrayList<>(ops.size());
    for (Op op : ops) {
      if (op instanceof Op.Range range) {
        results.add(new OpResult.Range(readRange(range.request())));
      } else if (op instanceof Op.Put put) {
        results.add(new OpResult.Put(doPut(put.request())));
      } else if (op instanceof Op.DeleteRange delete) {
        results.add(new OpResult.DeleteRange(doDelete(delete.request())));
      } else if (op instanceof Op.Txn nested) {
        TxnResult inner = execute(nested.request(), path);
        results.add(
            new OpResult.Txn(new TxnResult(readRevision(), inner.succeeded(), inner.responses())));
      }
    }
    return new TxnResult(readRevision(), succeeded, results);
  }
}
