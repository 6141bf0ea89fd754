package io.strata.core.mvcc;

import io.strata.core.CompactedException;
import io.strata.core.FutureRevisionException;
import io.strata.core.InvalidRequestException;
import io.strata.core.InvalidRequestException.Reason;
import io.strata.core.LeaseNotFoundException;
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
import io.strata.core.kv.SortOrder;
import io.strata.core.kv.SortTarget;
import io.strata.core.kv.TxnRequest;
import io.strata.core.kv.TxnResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.jspecify.annotations.Nullable;

/**
 * A deliberately naive in-memory model of etcd's KV semantics (etcd {@code v3rpc/key.go}, {@code
 * apply/txn.go}, {@code mvcc/kvstore_txn.go}), to check {@link MvccStore} against. It keeps every
 * version of every key ever written, never removes anything, and answers every question with a
 * linear scan, so that it is easy to trust. It shares no code with the engine, only the value types
 * and exceptions.
 *
 * <p>Leases: which ids exist is given; the model only checks that a put names an existing one.
 *
 * <p>Where etcd's own behavior is undefined (its server panics), the model throws {@link
 * UndefinedInEtcdException} and leaves its state unchanged; callers skip such requests.
 */
final class ModelKv {

  /** etcd does not define an outcome for this request (it panics the member). */
  static final class UndefinedInEtcdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UndefinedInEtcdException(String message) {
      super(message);
    }
  }

  /** One version of a key at revision {@code (main, sub)}; a tombstone records a delete. */
  // Nothing compares or hashes an Entry (keys are matched with Arrays.equals).
  @SuppressWarnings("ArrayRecordComponent")
  private record Entry(
      byte[] key,
      long main,
      int sub,
      boolean tombstone,
      long createRevision,
      long version,
      long lease,
      byte[] value) {

    KeyValue toKeyValue() {
      return tombstone
          ? KeyValue.deleted(key, main)
          : new KeyValue(key, createRevision, main, version, value, lease);
    }
  }

  /** A literal key interval of etcd's duplicate-key check: {@code begin <= k < end}. */
  // Nothing compares or hashes an Interval: only contains(k) reads it.
  @SuppressWarnings("ArrayRecordComponent")
  private record Interval(byte[] begin, byte[] end) {
    boolean contains(byte[] k) {
      return Bytes.compare(begin, k) <= 0 && Bytes.compare(k, end) < 0;
    }
  }

  /** Puts and deletes of one branch, as etcd's {@code checkIntervals} returns them. */
  private record Writes(List<byte[]> puts, List<Interval> deletes) {}

  private final int maxTxnOps;
  private final LongPredicate leaseExists;

  /** Every version of every key, oldest first, keys in etcd's (unsigned byte) order. */
  private final TreeMap<byte[], List<Entry>> versions = new TreeMap<>(Bytes::compare);

  private long currentRevision = 1;
  private long compactRevision;

  /** The revision the request being applied writes at, and its next sub revision. */
  private long writeMain;

  private int writeSub;

  ModelKv(int maxTxnOps, LongPredicate leaseExists) {
    this.maxTxnOps = maxTxnOps;
    this.leaseExists = leaseExists;
  }

  long currentRevision() {
    return currentRevision;
  }

  long compactRevision() {
    return compactRevision;
  }

  // --- requests ------------------------------------------------------------------------------

  RangeResult range(RangeRequest r) {
    checkRange(r);
    return read(r, readRevision(r.revision()), currentRevision);
  }

  /**
   * etcd's revision rule for reads (and HashKV): future first, then "0 or below is current", then
   * compacted; a read at the compact revision itself is allowed.
   */
  long readRevision(long requested) {
    if (requested > currentRevision) {
      throw new FutureRevisionException(currentRevision);
    }
    long rev = requested <= 0 ? currentRevision : requested;
    if (rev < compactRevision) {
      throw new CompactedException(compactRevision);
    }
    return rev;
  }

  PutResult put(PutRequest r) {
    checkPut(r);
    // etcd's Put looks the lease up first; a put inside a transaction checks it last.
    checkLease(r);
    checkPutAgainstState(r);
    begin();
    PutResult result = doPut(r);
    end();
    return result;
  }

  DeleteRangeResult deleteRange(DeleteRangeRequest r) {
    requireKey(r.key());
    begin();
    DeleteRangeResult result = doDelete(r);
    end();
    return result;
  }

  TxnResult txn(TxnRequest r) {
    // The gRPC layer's checks (etcd Txn in v3rpc/key.go).
    checkTxnRequest(r, maxTxnOps);
    checkIntervals(r.success());
    checkIntervals(r.failure());
    // The apply layer: compares (nested ones too) on the state before the transaction, then the
    // chosen ops' requirements, then execution.
    List<Boolean> path = new ArrayList<>();
    comparePath(r, path);
    checkRequests(r, path.iterator());
    begin();
    try {
      TxnResult result = execute(r, path.iterator());
      end();
      return new TxnResult(currentRevision, result.succeeded(), result.responses());
    } catch (UndefinedInEtcdException e) {
      rollBack();
      throw e;
    }
  }

  /** etcd's Compact: refuses a revision at or below the compact revision, or above the current. */
  void compact(long rev) {
    if (rev <= compactRevision) {
      throw new CompactedException(compactRevision);
    }
    if (rev > currentRevision) {
      throw new FutureRevisionException(currentRevision);
    }
    compactRevision = rev;
  }

  /**
   * Every change with a revision in {@code [from, min(to, current)]}, in revision order, stopping
   * at the end of the revision during which {@code maxEvents} was reached. Every event of the
   * compact revision itself stays readable, including a put that a later op of the same transaction
   * replaced (etcd may lose that one once compaction has physically run; the engine keeps it, so
   * that the answer does not depend on timing).
   *
   * <p>With {@code withPrevKv}, an event carries what etcd's watch puts in prev_kv: nothing for a
   * put that creates its key, else the key's version at {@code revision - 1}, so nothing when the
   * key did not exist before the revision, or when {@code revision - 1} is compacted. (A
   * transaction that puts and then deletes a key gives the delete the version from before the
   * transaction.)
   */
  List<Event> history(long from, long to, boolean withPrevKv, int maxEvents) {
    if (from < compactRevision) {
      throw new CompactedException(compactRevision);
    }
    long last = Math.min(to, currentRevision);
    List<Entry> changes = new ArrayList<>();
    for (List<Entry> list : versions.values()) {
      for (Entry e : list) {
        if (e.main() >= from && e.main() <= last) {
          changes.add(e);
        }
      }
    }
    changes.sort(Comparator.comparingLong(Entry::main).thenComparingInt(Entry::sub));
    List<Event> events = new ArrayList<>();
    long lastMain = -1;
    for (Entry e : changes) {
      if (events.size() >= maxEvents && e.main() != lastMain) {
        break;
      }
      lastMain = e.main();
      KeyValue prev = null;
      boolean creates = !e.tombstone() && e.createRevision() == e.main();
      if (withPrevKv && !creates && e.main() - 1 >= compactRevision) {
        Entry before = visible(e.key(), e.main() - 1);
        prev = before == null ? null : before.toKeyValue();
      }
      events.add(
          new Event(e.tombstone() ? Event.Type.DELETE : Event.Type.PUT, e.toKeyValue(), prev));
    }
    return events;
  }

  /** The keys whose current version carries {@code lease}, in key order. */
  List<byte[]> leaseKeys(long lease) {
    List<byte[]> keys = new ArrayList<>();
    for (byte[] key : versions.keySet()) {
      Entry e = visible(key, Long.MAX_VALUE);
      if (e != null && e.lease() == lease) {
        keys.add(key);
      }
    }
    return keys;
  }

  // --- validation (etcd v3rpc/key.go) --------------------------------------------------------

  private static void requireKey(byte[] key) {
    if (key.length == 0) {
      throw new InvalidRequestException(Reason.KEY_NOT_PROVIDED);
    }
  }

  private static void checkRange(RangeRequest r) {
    requireKey(r.key());
  }

  private static void checkPut(PutRequest r) {
    requireKey(r.key());
    if (r.ignoreValue() && r.value().length != 0) {
      throw new InvalidRequestException(Reason.VALUE_PROVIDED);
    }
    if (r.ignoreLease() && r.lease() != 0) {
      throw new InvalidRequestException(Reason.LEASE_PROVIDED);
    }
  }

  /** ignore_value and ignore_lease need a previous version (etcd: key not found). */
  private void checkPutAgainstState(PutRequest r) {
    if ((r.ignoreValue() || r.ignoreLease()) && visible(r.key(), Long.MAX_VALUE) == null) {
      throw new InvalidRequestException(Reason.KEY_NOT_FOUND);
    }
  }

  private void checkLease(PutRequest r) {
    if (r.lease() != 0 && !leaseExists.test(r.lease())) {
      throw new LeaseNotFoundException(r.lease());
    }
  }

  /** etcd's checkTxnRequest: the op budget, compare keys, then every op of both branches. */
  private static void checkTxnRequest(TxnRequest r, int budget) {
    int opc = Math.max(r.compare().size(), Math.max(r.success().size(), r.failure().size()));
    if (opc > budget) {
      throw new InvalidRequestException(Reason.TOO_MANY_OPS);
    }
    for (Compare c : r.compare()) {
      requireKey(c.key());
    }
    for (Op op : r.success()) {
      checkRequestOp(op, budget - opc);
    }
    for (Op op : r.failure()) {
      checkRequestOp(op, budget - opc);
    }
  }

  private static void checkRequestOp(Op op, int budget) {
    if (op instanceof Op.Range range) {
      checkRange(range.request());
    } else if (op instanceof Op.Put put) {
      checkPut(put.request());
    } else if (op instanceof Op.DeleteRange delete) {
      requireKey(delete.request().key());
    } else if (op instanceof Op.Txn txn) {
      checkTxnRequest(txn.request(), budget);
    }
  }

  /**
   * etcd's checkIntervals, step by step: this level's deletes first; then each nested transaction's
   * puts, checked against the puts and deletes seen so far (a key put by both branches of one
   * nested transaction is fine); then this level's puts. A delete's interval is taken literally: no
   * range end is the single key, any other end (even "\0") is {@code [key, end)}.
   */
  private static Writes checkIntervals(List<Op> ops) {
    List<Interval> deletes = new ArrayList<>();
    for (Op op : ops) {
      if (op instanceof Op.DeleteRange d) {
        byte[] key = d.request().key();
        byte[] end = d.request().rangeEnd();
        deletes.add(new Interval(key, end.length == 0 ? successor(key) : end));
      }
    }
    List<byte[]> puts = new ArrayList<>();
    for (Op op : ops) {
      if (!(op instanceof Op.Txn txn)) {
        continue;
      }
      Writes then = checkIntervals(txn.request().success());
      Writes otherwise = checkIntervals(txn.request().failure());
      for (byte[] k : then.puts()) {
        if (containsKey(puts, k) || deletedBy(deletes, k)) {
          throw new InvalidRequestException(Reason.DUPLICATE_KEY);
        }
        puts.add(k);
      }
      for (byte[] k : otherwise.puts()) {
        boolean safe = containsKey(then.puts(), k);
        if ((containsKey(puts, k) && !safe) || deletedBy(deletes, k)) {
          throw new InvalidRequestException(Reason.DUPLICATE_KEY);
        }
        if (!safe) {
          puts.add(k); // a set, as in etcd: the key is already there when safe
        }
      }
      deletes.addAll(then.deletes());
      deletes.addAll(otherwise.deletes());
    }
    for (Op op : ops) {
      if (op instanceof Op.Put p) {
        byte[] k = p.request().key();
        if (containsKey(puts, k) || deletedBy(deletes, k)) {
          throw new InvalidRequestException(Reason.DUPLICATE_KEY);
        }
        puts.add(k);
      }
    }
    return new Writes(puts, deletes);
  }

  /** The smallest key after {@code key}: {@code key + "\0"}. */
  private static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  private static boolean containsKey(List<byte[]> keys, byte[] k) {
    for (byte[] key : keys) {
      if (Arrays.equals(key, k)) {
        return true;
      }
    }
    return false;
  }

  private static boolean deletedBy(List<Interval> deletes, byte[] k) {
    for (Interval d : deletes) {
      if (d.contains(k)) {
        return true;
      }
    }
    return false;
  }

  // --- state ---------------------------------------------------------------------------------

  /** Whether {@code k} lies in etcd's interval {@code (key, rangeEnd)}. */
  private static boolean inRange(byte[] key, byte[] rangeEnd, byte[] k) {
    if (rangeEnd.length == 0) {
      return Arrays.equals(k, key);
    }
    if (rangeEnd.length == 1 && rangeEnd[0] == 0) {
      return Bytes.compare(k, key) >= 0;
    }
    return Bytes.compare(k, key) >= 0 && Bytes.compare(k, rangeEnd) < 0;
  }

  /** The live version of {@code key} at {@code rev}, or null if it is absent or deleted. */
  private @Nullable Entry visible(byte[] key, long rev) {
    List<Entry> list = versions.get(key);
    Entry found = null;
    if (list != null) {
      for (Entry e : list) {
        if (e.main() <= rev) {
          found = e;
        }
      }
    }
    return found == null || found.tombstone() ? null : found;
  }

  /** The live versions at {@code rev} of every key in the interval, in key order. */
  private List<Entry> liveIn(byte[] key, byte[] rangeEnd, long rev) {
    List<Entry> live = new ArrayList<>();
    for (byte[] k : versions.keySet()) {
      if (inRange(key, rangeEnd, k)) {
        Entry e = visible(k, rev);
        if (e != null) {
          live.add(e);
        }
      }
    }
    return live;
  }

  private void append(Entry e) {
    versions.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
  }

  private void begin() {
    writeMain = currentRevision + 1;
    writeSub = 0;
  }

  private void end() {
    if (writeSub > 0) {
      currentRevision = writeMain;
    }
  }

  private void rollBack() {
    for (Iterator<Map.Entry<byte[], List<Entry>>> it = versions.entrySet().iterator();
        it.hasNext(); ) {
      List<Entry> list = it.next().getValue();
      list.removeIf(e -> e.main() == writeMain);
      if (list.isEmpty()) {
        it.remove();
      }
    }
  }

  /** The revision reads inside the current request see: its own writes included. */
  private long pendingRevision() {
    return writeSub > 0 ? writeMain : currentRevision;
  }

  // --- execution -----------------------------------------------------------------------------

  private PutResult doPut(PutRequest r) {
    Entry prev = visible(r.key(), Long.MAX_VALUE);
    if ((r.ignoreValue() || r.ignoreLease()) && prev == null) {
      // Checked before the transaction, but an earlier op of it deleted the key.
      throw new UndefinedInEtcdException("ignore_value/ignore_lease on a key the txn deleted");
    }
    byte[] value = r.value();
    long lease = r.lease();
    if (prev != null) {
      value = r.ignoreValue() ? prev.value() : value;
      lease = r.ignoreLease() ? prev.lease() : lease;
    }
    long create = prev == null ? writeMain : prev.createRevision();
    long version = prev == null ? 1 : prev.version() + 1;
    append(new Entry(r.key(), writeMain, writeSub++, false, create, version, lease, value));
    return new PutResult(writeMain, r.prevKv() && prev != null ? prev.toKeyValue() : null);
  }

  private DeleteRangeResult doDelete(DeleteRangeRequest r) {
    List<Entry> doomed = liveIn(r.key(), r.rangeEnd(), Long.MAX_VALUE);
    List<KeyValue> prevKvs = new ArrayList<>();
    for (Entry prev : doomed) {
      append(new Entry(prev.key(), writeMain, writeSub++, true, 0, 0, 0, Bytes.EMPTY));
      if (r.prevKv()) {
        prevKvs.add(prev.toKeyValue());
      }
    }
    return new DeleteRangeResult(pendingRevision(), doomed.size(), prevKvs);
  }

  /** etcd's executeRange on the live versions at {@code rev}. */
  private RangeResult read(RangeRequest r, long rev, long headerRevision) {
    List<Entry> live = liveIn(r.key(), r.rangeEnd(), rev);
    long count = live.size();
    if (r.countOnly()) {
      return new RangeResult(List.of(), false, count, headerRevision);
    }
    List<KeyValue> kvs = new ArrayList<>();
    for (Entry e : live) {
      boolean keep =
          (r.maxModRevision() == 0 || e.main() <= r.maxModRevision())
              && (r.minModRevision() == 0 || e.main() >= r.minModRevision())
              && (r.maxCreateRevision() == 0 || e.createRevision() <= r.maxCreateRevision())
              && (r.minCreateRevision() == 0 || e.createRevision() >= r.minCreateRevision());
      if (keep) {
        kvs.add(e.toKeyValue());
      }
    }
    SortOrder order = r.sortOrder();
    if (order == SortOrder.NONE && r.sortTarget() != SortTarget.KEY) {
      order = SortOrder.ASCEND;
    }
    if (order != SortOrder.NONE) {
      Comparator<KeyValue> byTarget =
          switch (r.sortTarget()) {
            case KEY -> (a, b) -> Bytes.compare(a.key(), b.key());
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> (a, b) -> Bytes.compare(a.value(), b.value());
          };
      if (order == SortOrder.DESCEND) {
        byTarget = byTarget.reversed();
      }
      // Ties keep key order (kvs is in key order and List.sort is stable).
      kvs.sort(byTarget);
    }
    boolean more = false;
    if (r.limit() > 0 && kvs.size() > r.limit()) {
      kvs = new ArrayList<>(kvs.subList(0, (int) r.limit()));
      more = true;
    }
    if (r.keysOnly()) {
      kvs.replaceAll(
          kv ->
              new KeyValue(
                  kv.key(),
                  kv.createRevision(),
                  kv.modRevision(),
                  kv.version(),
                  Bytes.EMPTY,
                  kv.lease()));
    }
    return new RangeResult(kvs, more, count, headerRevision);
  }

  /** etcd's compareToPath: each transaction's outcome, nested ones in pre-order. */
  private void comparePath(TxnRequest r, List<Boolean> path) {
    boolean succeeded = true;
    for (Compare c : r.compare()) {
      succeeded &= holds(c);
    }
    path.add(succeeded);
    for (Op op : succeeded ? r.success() : r.failure()) {
      if (op instanceof Op.Txn nested) {
        comparePath(nested.request(), path);
      }
    }
  }

  /** etcd's applyCompare at the current revision (the transaction has written nothing yet). */
  private boolean holds(Compare c) {
    List<Entry> live = liveIn(c.key(), c.rangeEnd(), currentRevision);
    if (live.isEmpty()) {
      // A missing key has no value; its numeric fields are 0.
      return c.target() != Compare.Target.VALUE
          && compareKv(c, new KeyValue(c.key(), 0, 0, 0, Bytes.EMPTY, 0));
    }
    for (Entry e : live) {
      if (!compareKv(c, e.toKeyValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean compareKv(Compare c, KeyValue kv) {
    int cmp =
        switch (c.target()) {
          case VERSION -> Long.compare(kv.version(), c.number());
          case CREATE -> Long.compare(kv.createRevision(), c.number());
          case MOD -> Long.compare(kv.modRevision(), c.number());
          case LEASE -> Long.compare(kv.lease(), c.number());
          case VALUE -> Bytes.compare(kv.value(), c.value());
        };
    return switch (c.result()) {
      case EQUAL -> cmp == 0;
      case NOT_EQUAL -> cmp != 0;
      case GREATER -> cmp > 0;
      case LESS -> cmp < 0;
    };
  }

  /** etcd's checkRequests on the chosen branches, against the state before the transaction. */
  private void checkRequests(TxnRequest r, Iterator<Boolean> path) {
    for (Op op : path.next() ? r.success() : r.failure()) {
      if (op instanceof Op.Range range) {
        long rev = range.request().revision();
        // etcd compares with FirstRev, the compact revision, which is -1 before any compaction.
        long firstRev = compactRevision == 0 ? -1 : compactRevision;
        if (rev != 0 && rev > currentRevision) {
          throw new FutureRevisionException(currentRevision);
        }
        if (rev != 0 && rev < firstRev) {
          throw new CompactedException(compactRevision);
        }
      } else if (op instanceof Op.Put put) {
        checkPutAgainstState(put.request());
        checkLease(put.request());
      } else if (op instanceof Op.Txn nested) {
        checkRequests(nested.request(), path);
      }
    }
  }

  private TxnResult execute(TxnRequest r, Iterator<Boolean> path) {
    boolean succeeded = path.next();
    List<OpResult> results = new ArrayList<>();
    for (Op op : succeeded ? r.success() : r.failure()) {
      if (op instanceof Op.Range range) {
        RangeRequest req = range.request();
        long rev = req.revision() > 0 ? req.revision() : pendingRevision();
        results.add(new OpResult.Range(read(req, rev, pendingRevision())));
      } else if (op instanceof Op.Put put) {
        results.add(new OpResult.Put(doPut(put.request())));
      } else if (op instanceof Op.DeleteRange delete) {
        results.add(new OpResult.DeleteRange(doDelete(delete.request())));
      } else if (op instanceof Op.Txn nested) {
        TxnResult inner = execute(nested.request(), path);
        results.add(
            new OpResult.Txn(
                new TxnResult(pendingRevision(), inner.succeeded(), inner.responses())));
      }
    }
    return new TxnResult(pendingRevision(), succeeded, results);
  }
}
