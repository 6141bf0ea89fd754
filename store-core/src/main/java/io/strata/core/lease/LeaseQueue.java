package io.strata.core.lease;

import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * Lease ids ordered by the time the leader should next look at them. Entries are never removed in
 * place: a lease whose time changed is pushed again and the stale entry is recognized (by the
 * caller, against the lease's current time) and dropped when it reaches the head. Not thread safe;
 * the {@link Lessor} guards it.
 */
final class LeaseQueue {
  record Item(long time, long id) {}

  private final PriorityQueue<Item> heap =
      new PriorityQueue<>(
          // Times compare by their difference: nanoTime readings may be negative or wrap.
          (a, b) -> a.time == b.time ? Long.compare(a.id, b.id) : Long.signum(a.time - b.time));

  void push(long id, long time) {
    heap.add(new Item(time, id));
  }

  /** The earliest entry, or null. */
  @Nullable Item peek() {
    return heap.peek();
  }

  void pop() {
    heap.poll();
  }

  int size() {
    return heap.size();
  }

  void clear() {
    heap.clear();
  }
}
