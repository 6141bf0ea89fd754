package io.strata.core.mvcc;

import io.strata.core.kv.Bytes;
import io.strata.core.kv.KeyValue;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.RangeResult;
import io.strata.core.kv.SortOrder;
import io.strata.core.kv.SortTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Applies etcd's Range rules to the visible versions of a range: {@code count} counts every live
 * key, the min/max revision filters prune, sorting orders, {@code limit} truncates and sets {@code
 * more}.
 *
 * <p>Unlike etcd, which reads the whole range into memory whenever it sorts or filters, the result
 * is collected in a bounded heap of {@code limit + 1} entries, so memory follows the limit rather
 * than the range size.
 */
final class RangeExecutor {
  private RangeExecutor() {}

  /** Where the visible versions come from: a {@link VersionScanner}, or one cached version. */
  interface Source {
    void scan(KeyRange range, long revision, VersionScanner.Visitor visitor);
  }

  static RangeResult execute(
      RangeRequest r, Source scanner, long readRevision, long headerRevision) {
    KeyRange range = KeyRange.of(r.key(), r.rangeEnd());
    SortOrder sortOrder = effectiveOrder(r);
    long keep = r.limit() > 0 ? r.limit() + 1 : Long.MAX_VALUE;
    Collector collector =
        new Collector(comparator(r.sortTarget(), sortOrder), keep, sortOrder == SortOrder.NONE);
    // keys_only drops values after sorting (as etcd does): a VALUE sort still orders by them.
    boolean keepValues =
        !r.keysOnly() || (sortOrder != SortOrder.NONE && r.sortTarget() == SortTarget.VALUE);
    long[] count = {0};
    scanner.scan(
        range,
        readRevision,
        v -> {
          if (v.tombstone()) {
            return true;
          }
          count[0]++;
          if (!r.countOnly() && passesFilters(r, v)) {
            collector.offer(keepValues ? v.toKeyValue() : v.toKeyValue().withoutValue());
          }
          return true;
        });
    List<KeyValue> kvs = collector.sorted();
    boolean more = false;
    if (r.limit() > 0 && kvs.size() > r.limit()) {
      kvs = kvs.subList(0, (int) r.limit());
      more = true;
    }
    if (r.keysOnly() && keepValues) {
      kvs = kvs.stream().map(KeyValue::withoutValue).toList();
    }
    return new RangeResult(kvs, more, count[0], headerRevision);
  }

  private static boolean passesFilters(RangeRequest r, Version v) {
    return (r.minModRevision() == 0 || v.main() >= r.minModRevision())
        && (r.maxModRevision() == 0 || v.main() <= r.maxModRevision())
        && (r.minCreateRevision() == 0 || v.createRevision() >= r.minCreateRevision())
        && (r.maxCreateRevision() == 0 || v.createRevision() <= r.maxCreateRevision());
  }

  /**
   * etcd sorts ascending when a non-key target is given without an order, and treats ascending by
   * key as the natural order.
   */
  private static SortOrder effectiveOrder(RangeRequest r) {
    if (r.sortOrder() == SortOrder.NONE && r.sortTarget() != SortTarget.KEY) {
      return SortOrder.ASCEND;
    }
    if (r.sortOrder() == SortOrder.ASCEND && r.sortTarget() == SortTarget.KEY) {
      return SortOrder.NONE;
    }
    return r.sortOrder();
  }

  /** The result order; ties keep key order. */
  private static Comparator<KeyValue> comparator(SortTarget target, SortOrder order) {
    Comparator<KeyValue> byKey = (a, b) -> Bytes.compare(a.key(), b.key());
    if (order == SortOrder.NONE) {
      return byKey;
    }
    Comparator<KeyValue> primary =
        switch (target) {
          case KEY -> byKey;
          case VERSION -> Comparator.comparingLong(KeyValue::version);
          case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
          case MOD -> Comparator.comparingLong(KeyValue::modRevision);
          case VALUE -> (a, b) -> Bytes.compare(a.value(), b.value());
        };
    if (order == SortOrder.DESCEND) {
      primary = primary.reversed();
    }
    return primary.thenComparing(byKey);
  }

  /** Keeps the first {@code keep} entries in {@code order} among everything offered. */
  private static final class Collector {
    private final Comparator<KeyValue> order;
    private final long keep;
    // Entries arrive in key order, so for key order a list cut at `keep` suffices; otherwise a
    // max-heap (inverted order) holds the best `keep` seen so far.
    private final List<KeyValue> list = new ArrayList<>();
    private final PriorityQueue<KeyValue> heap;
    private final boolean keyOrder;

    Collector(Comparator<KeyValue> order, long keep, boolean keyOrder) {
      this.order = order;
      this.keep = keep;
      this.heap = new PriorityQueue<>(order.reversed());
      this.keyOrder = keyOrder;
    }

    void offer(KeyValue kv) {
      if (keyOrder) {
        if (list.size() < keep) {
          list.add(kv);
        }
        return;
      }
      if (heap.size() < keep) {
        heap.add(kv);
      } else if (order.compare(kv, heap.peek()) < 0) {
        heap.poll();
        heap.add(kv);
      }
    }

    List<KeyValue> sorted() {
      if (keyOrder) {
        return list;
      }
      List<KeyValue> out = new ArrayList<>(heap);
      out.sort(order);
      return out;
    }
  }
}
