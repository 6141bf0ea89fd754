package io.strata.core.watch;

import io.strata.core.kv.Event;
import java.util.List;

/**
 * Where a watcher's events go. Implementations must not block: they either accept (queue) or refuse
 * for lack of room. Calls for one watcher come from one thread at a time.
 */
public interface WatchSink {
  /**
   * Offers the watcher's next events: whole revisions, in order, already filtered. {@code revision}
   * is the last revision the watcher has now seen (at least that of the last event).
   *
   * @return false to refuse for lack of room; the same events are offered again later
   */
  boolean offer(Watcher watcher, List<Event> events, long revision);

  /** The watcher fell behind the compact revision and was canceled (etcd's compacted watch). */
  void compacted(Watcher watcher, long compactRevision);

  /** A progress notification: every event up to {@code revision} has been offered. */
  boolean progress(Watcher watcher, long revision);
}
