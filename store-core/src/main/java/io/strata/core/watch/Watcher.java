package io.strata.core.watch;

import io.strata.core.kv.Bytes;
import io.strata.core.kv.Event;

/**
 * One watch: a key or key range, the next revision it expects, etcd's filters, and its sink.
 * Mutable state is guarded by the hub's lock.
 */
public final class Watcher {
  private final long id;
  private final byte[] key;
  private final byte[] rangeEnd;
  private final boolean noPut;
  private final boolean noDelete;
  private final boolean prevKv;
  private final boolean progressNotify;
  private final WatchSink sink;
  private final Object owner;

  // @GuardedBy("hub lock")
  long nextRevision;

  // @GuardedBy("hub lock")
  boolean synced;

  // @GuardedBy("hub lock")
  boolean canceled;

  /**
   * @param rangeEnd empty for one key, {@code "\0"} for every key at or after {@code key}
   * @param owner what the watcher belongs to (a stream), for bulk operations
   */
  public Watcher(
      long id,
      byte[] key,
      byte[] rangeEnd,
      boolean noPut,
      boolean noDelete,
      boolean prevKv,
      boolean progressNotify,
      WatchSink sink,
      Object owner) {
    this.id = id;
    this.key = key;
    this.rangeEnd = rangeEnd;
    this.noPut = noPut;
    this.noDelete = noDelete;
    this.prevKv = prevKv;
    this.progressNotify = progressNotify;
    this.sink = sink;
    this.owner = owner;
  }

  public long id() {
    return id;
  }

  public boolean prevKv() {
    return prevKv;
  }

  public boolean progressNotify() {
    return progressNotify;
  }

  public Object owner() {
    return owner;
  }

  WatchSink sink() {
    return sink;
  }

  byte[] key() {
    return key;
  }

  boolean isSingleKey() {
    return rangeEnd.length == 0;
  }

  /** Whether the event's key is watched and its type not filtered out. */
  boolean wants(Event e) {
    if (e.type() == Event.Type.PUT ? noPut : noDelete) {
      return false;
    }
    byte[] k = e.kv().key();
    if (rangeEnd.length == 0) {
      return Bytes.compare(k, key) == 0;
    }
    if (Bytes.compare(k, key) < 0) {
      return false;
    }
    return Bytes.isUnbounded(rangeEnd) || Bytes.compare(k, rangeEnd) < 0;
  }
}
