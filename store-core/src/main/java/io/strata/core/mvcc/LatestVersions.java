package io.strata.core.mvcc;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The newest committed version of recently written or looked-up keys, so that a put does not seek
 * RocksDB for the version it replaces and a point read at a recent revision needs no RocksDB
 * snapshot or seek at all (profiled: those seeks were most of the time of both). A cache, not an
 * index: a miss falls back to the KEY column family, and the memory is bounded by {@code
 * capacityBytes}.
 *
 * <p>Only the writer holding the store's writer lock changes it; readers only look up. The writer
 * records the newest version of each key a batch wrote <em>before</em> it publishes the batch's
 * revision (and takes the entries back if the commit fails), so a reader that has seen revision R
 * finds, for any key, either the newest version at or below R or something newer or nothing: a
 * cached version at or below the read revision is the visible one. Compaction leaves the newest
 * version of every key alone (it removes only superseded versions and old tombstones, and a cached
 * tombstone means "no live version" either way), so it needs no invalidation.
 *
 * <p>Eviction is CLOCK (second chance) over insertion order: a lookup marks its entry, and the
 * writer evicting skips a marked entry once. It approximates least-recently-used without making
 * readers reorder a shared list.
 */
final class LatestVersions {
  /**
   * Per-entry bookkeeping on top of key and value bytes: map node, wrappers, record, queue slot.
   */
  static final int ENTRY_OVERHEAD = 140;

  private static final class Entry {
    final Version version;

    /** Set by lookups, cleared by the writer's clock hand; racy on purpose (a hint only). */
    boolean referenced;

    Entry(Version version) {
      this.version = version;
    }
  }

  /**
   * A key with a well-spread hash. {@code ByteBuffer}'s (and {@code Arrays.hashCode}'s) base-31
   * polynomial gives short binary keys the same hash in crowds: 100,000 benchmark keys (an index in
   * 8 big-endian bytes) have 16,226 hashes, up to 9 keys each, and the map's lookups walked tree
   * bins for a tenth of a follower's apply time (profiled under a put load).
   */
  private static final class Key {
    final byte[] bytes;
    final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      long h = 0xcbf29ce484222325L ^ bytes.length; // FNV-1a, then Murmur3's finalizer
      for (byte b : bytes) {
        h = (h ^ (b & 0xff)) * 0x100000001b3L;
      }
      h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
      h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
      this.hash = (int) (h ^ (h >>> 33));
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }
  }

  private final long capacityBytes;
  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>(1024);

  // Writer-only state.
  private long usedBytes;

  /**
   * Whether every key of the store is cached, so that a key not cached has no version at all: true
   * from the opening of an empty store until the first key leaves the cache. While it holds, a put
   * of a new key needs no seek, as etcd's in-memory index needs none (a put of a fresh key was most
   * of a follower's apply, profiled while a benchmark wrote its key space for the first time).
   */
  private boolean complete;

  /** Keys in insertion order for the clock hand; may hold keys no longer cached (skipped). */
  private final ArrayDeque<Key> clock = new ArrayDeque<>();

  LatestVersions(long capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  /** The newest committed version of {@code key} if cached; a tombstone means none is live. */
  @Nullable Version get(byte[] key) {
    if (capacityBytes == 0) {
      return null;
    }
    Entry e = entries.get(new Key(key));
    if (e == null) {
      return null;
    }
    if (!e.referenced) {
      e.referenced = true;
    }
    return e.version;
  }

  /** Marks the cache as holding every key of the store, which must have none yet (writer only). */
  void markCompleteForEmptyStore() {
    complete = capacityBytes > 0;
  }

  /** Whether a key not cached has no version in the store at all (writer only). */
  boolean complete() {
    return complete;
  }

  /** Records {@code v} as the newest version of its key (writer only). */
  void put(Version v) {
    if (capacityBytes == 0) {
      return;
    }
    Key key = new Key(v.key());
    long size = cost(v);
    if (size > capacityBytes) {
      remove(v.key());
      return;
    }
    Entry fresh = new Entry(v);
    Entry old = entries.put(key, fresh);
    // A key written again is in use: it gets its second chance like one that was read.
    fresh.referenced = old != null;
    if (old == null) {
      clock.addLast(key);
    }
    usedBytes += size - (old == null ? 0 : cost(old.version));
    evict();
  }

  /** Forgets {@code key} (writer only): its newest version is no longer known. */
  void remove(byte[] key) {
    complete = false;
    Entry old = entries.remove(new Key(key));
    if (old != null) {
      usedBytes -= cost(old.version);
    }
  }

  private void evict() {
    while (usedBytes > capacityBytes) {
      Key key = clock.pollFirst();
      if (key == null) {
        return; // cannot happen while usedBytes > 0; guards against an accounting slip
      }
      Entry e = entries.get(key);
      if (e == null) {
        continue; // removed earlier; its slot was stale
      }
      if (e.referenced) {
        e.referenced = false;
        clock.addLast(key);
        continue;
      }
      entries.remove(key);
      usedBytes -= cost(e.version);
      complete = false;
    }
    // Keys removed and put again leave stale slots behind; drop them before they pile up.
    if (clock.size() > 2 * entries.size() + 1024) {
      clock.clear();
      clock.addAll(entries.keySet());
    }
  }

  int size() {
    return entries.size();
  }

  private static long cost(Version v) {
    return (long) v.key().length + v.value().length + ENTRY_OVERHEAD;
  }
}
