package io.strata.core.mvcc;

import io.strata.core.kv.Bytes;
import org.jspecify.annotations.Nullable;

/**
 * A request's key interval in etcd's terms: {@code [start, end)}, a single key, or everything from
 * {@code start} on ({@code end == null}).
 */
// Keys are byte arrays throughout the engine; nothing compares or hashes a KeyRange, so the
// arrays' identity-based equals and hashCode are never used.
@SuppressWarnings("ArrayRecordComponent")
record KeyRange(byte[] start, byte @Nullable [] end, boolean single) {

  /** Reads etcd's {@code (key, range_end)} pair. */
  static KeyRange of(byte[] key, byte[] rangeEnd) {
    if (rangeEnd.length == 0) {
      return new KeyRange(key, null, true);
    }
    if (Bytes.isUnbounded(rangeEnd)) {
      return new KeyRange(key, null, false);
    }
    return new KeyRange(key, rangeEnd, false);
  }

  boolean contains(byte[] key) {
    if (single) {
      return Bytes.compare(key, start) == 0;
    }
    return Bytes.compare(key, start) >= 0 && (end == null || Bytes.compare(key, end) < 0);
  }

  boolean isEmpty() {
    return !single && end != null && Bytes.compare(start, end) >= 0;
  }

  /** Whether the two ranges share at least one key. */
  boolean overlaps(KeyRange other) {
    if (isEmpty() || other.isEmpty()) {
      return false;
    }
    if (single) {
      return other.contains(start);
    }
    if (other.single) {
      return contains(other.start);
    }
    boolean thisStartsBeforeOtherEnds = other.end == null || Bytes.compare(start, other.end) < 0;
    boolean otherStartsBeforeThisEnds = end == null || Bytes.compare(other.start, end) < 0;
    return thisStartsBeforeOtherEnds && otherStartsBeforeThisEnds;
  }
}
