package io.strata.core.mvcc;

import io.strata.core.InvalidRequestException;
import io.strata.core.InvalidRequestException.Reason;
import io.strata.core.kv.Compare;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.Op;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * etcd's request rules, checked before any data is read or written (etcd {@code v3rpc/key.go}):
 * keys present, no value with ignore_value, no lease with ignore_lease, at most {@code maxTxnOps}
 * compares or ops per branch (a nested transaction gets the remaining budget), and no key written
 * twice in one branch. The engine applies them to every write; the server also calls them before
 * proposing, so a malformed request never costs a Raft round trip.
 */
public final class TxnChecks {
  private TxnChecks() {}

  public static void checkRange(RangeRequest r) {
    requireKey(r.key());
  }

  public static void checkPut(PutRequest r) {
    requireKey(r.key());
    if (r.ignoreValue() && r.value().length != 0) {
      throw new InvalidRequestException(Reason.VALUE_PROVIDED);
    }
    if (r.ignoreLease() && r.lease() != 0) {
      throw new InvalidRequestException(Reason.LEASE_PROVIDED);
    }
  }

  public static void checkDelete(DeleteRangeRequest r) {
    requireKey(r.key());
  }

  /** The whole structure of a top-level transaction, then its duplicate-key rule. */
  public static void checkTxn(TxnRequest r, int maxTxnOps) {
    checkTxnStructure(r, maxTxnOps);
    checkIntervals(r.success());
    checkIntervals(r.failure());
  }

  private static void checkTxnStructure(TxnRequest r, int maxTxnOps) {
    int ops = Math.max(r.compare().size(), Math.max(r.success().size(), r.failure().size()));
    if (ops > maxTxnOps) {
      throw new InvalidRequestException(Reason.TOO_MANY_OPS);
    }
    for (Compare c : r.compare()) {
      requireKey(c.key());
    }
    for (Op op : r.success()) {
      checkOp(op, maxTxnOps - ops);
    }
    for (Op op : r.failure()) {
      checkOp(op, maxTxnOps - ops);
    }
  }

  private static void checkOp(Op op, int maxTxnOps) {
    if (op instanceof Op.Range range) {
      checkRange(range.request());
    } else if (op instanceof Op.Put put) {
      checkPut(put.request());
    } else if (op instanceof Op.DeleteRange delete) {
      checkDelete(delete.request());
    } else if (op instanceof Op.Txn txn) {
      checkTxnStructure(txn.request(), maxTxnOps);
    }
  }

  private static void requireKey(byte[] key) {
    if (key.length == 0) {
      throw new InvalidRequestException(Reason.KEY_NOT_PROVIDED);
    }
  }

  /** Keys put and ranges deleted by one branch, nested branches included. */
  private record Writes(Set<String> puts, List<KeyRange> deletes) {}

  /**
   * Rejects a branch that puts a key twice or puts a key it also deletes, looking through nested
   * transactions; the success and failure branches of one nested transaction exclude each other, so
   * both may put the same key. As in etcd, a delete's range end is taken literally here, so a
   * {@code "\0"} end (meaning "to the end" elsewhere) overlaps nothing.
   */
  private static Writes checkIntervals(List<Op> ops) {
    List<KeyRange> deletes = new ArrayList<>();
    for (Op op : ops) {
      if (op instanceof Op.DeleteRange d) {
        deletes.add(literalRange(d.request()));
      }
    }
    Set<String> puts = new HashSet<>();
    for (Op op : ops) {
      if (!(op instanceof Op.Txn txn)) {
        continue;
      }
      Writes then = checkIntervals(txn.request().success());
      Writes otherwise = checkIntervals(txn.request().failure());
      for (String k : then.puts()) {
        if (puts.contains(k) || deleted(deletes, k)) {
          throw new InvalidRequestException(Reason.DUPLICATE_KEY);
        }
        puts.add(k);
      }
      for (String k : otherwise.puts()) {
        if ((puts.contains(k) && !then.puts().contains(k)) || deleted(deletes, k)) {
          throw new InvalidRequestException(Reason.DUPLICATE_KEY);
        }
        puts.add(k);
      }
      deletes.addAll(then.deletes());
      deletes.addAll(otherwise.deletes());
    }
    for (Op op : ops) {
      if (op instanceof Op.Put put) {
        String k = latin1(put.request().key());
        if (puts.contains(k) || deleted(deletes, k)) {
          throw new InvalidRequestException(Reason.DUPLICATE_KEY);
        }
        puts.add(k);
      }
    }
    return new Writes(puts, deletes);
  }

  private static KeyRange literalRange(DeleteRangeRequest d) {
    return d.rangeEnd().length == 0
        ? new KeyRange(d.key(), null, true)
        : new KeyRange(d.key(), d.rangeEnd(), false);
  }

  private static boolean deleted(List<KeyRange> deletes, String key) {
    byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
    for (KeyRange d : deletes) {
      if (d.contains(k)) {
        return true;
      }
    }
    return false;
  }

  /** A lossless string form of a byte key, for hashing (ISO-8859-1 maps bytes 1:1). */
  private static String latin1(byte[] key) {
    return new String(key, StandardCharsets.ISO_8859_1);
  }
}
