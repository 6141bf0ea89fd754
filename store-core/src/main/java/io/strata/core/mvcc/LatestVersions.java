package io.strata.core.mvcc;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The newest committed version of recently written or looked-up keys, so that a put does not seek
 * RocksDB for the version it replaces (profiled: that seek was most of the apply thread's time
 * under a put load). A cache, not an index: a miss falls back to the KEY column family, and the
 * memory is bounded by {@code capacityBytes}, least recently used first out.
 *
 * <p>Only the writer holding the store's writer lock touches it, and every commit records the
 * newest version of each key it wrote, so an entry is never stale. Compaction leaves the newest
 * version of every key alone (it removes only superseded versions and old tombstones, and a cached
 * tombstone means "no live version" either way), so it needs no invalidation.
 */
final class LatestVersions {
  /** Per-entry bookkeeping on top of key and value bytes: map node, wrapper, record. */
  private static final int ENTRY_OVERHEAD = 120;

  private final long capacityBytes;
  private long usedBytes;
  private final LinkedHashMap<ByteBuffer, Version> entries = new LinkedHashMap<>(1024, 0.75f, true);

  LatestVersions(long capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  /** The newest committed version of {@code key} if cached; a tombstone means none is live. */
  @Nullable Version get(byte[] key) {
    return capacityBytes == 0 ? null : entries.get(ByteBuffer.wrap(key));
  }

  /** Records {@code v} as the newest committed version of its key. */
  void put(Version v) {
    long size = cost(v);
    if (size > capacityBytes) {
      Version old = entries.remove(ByteBuffer.wrap(v.key()));
      if (old != null) {
        usedBytes -= cost(old);
      }
      return;
    }
    Version old = entries.put(ByteBuffer.wrap(v.key()), v);
    usedBytes += size - (old == null ? 0 : cost(old));
    var it = entries.entrySet().iterator();
    while (usedBytes > capacityBytes && it.hasNext()) {
      Map.Entry<ByteBuffer, Version> eldest = it.next();
      usedBytes -= cost(eldest.getValue());
      it.remove();
    }
  }

  int size() {
    return entries.size();
  }

  private static long cost(Version v) {
    return (long) v.key().length + v.value().length + ENTRY_OVERHEAD;
  }
}
