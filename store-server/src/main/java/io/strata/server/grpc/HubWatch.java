package io.strata.server.grpc;

import io.strata.core.kv.Event;
import io.strata.core.watch.WatchHub;
import io.strata.core.watch.WatchSink;
import io.strata.core.watch.Watcher;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A server-internal watch on the member's {@link WatchHub}, as etcd's recipes watch through their
 * in-process client. The hub calls the sink under its lock on the apply or sync thread, so the sink
 * only hands the events over to the request's serial executor; the listener runs there, never after
 * {@link #cancel} has run on that executor.
 */
final class HubWatch implements WatchSink {
  /** What the watch reports; called on the request's serial executor. */
  interface Listener {
    /** The next events of the watch, in revision order; {@code revision} is the hub's revision. */
    void events(List<Event> events, long revision);

    /** The start revision was compacted; the watch has ended. */
    void compacted(long compactRevision);
  }

  private final WatchHub hub;
  private final Executor executor;
  private final Listener listener;
  private final Watcher watcher;
  private volatile boolean canceled;

  private HubWatch(
      WatchHub hub, Executor executor, byte[] key, byte[] rangeEnd, Listener listener) {
    this.hub = hub;
    this.executor = executor;
    this.listener = listener;
    this.watcher = new Watcher(0, key, rangeEnd, false, false, false, false, this, this);
  }

  /**
   * Watches {@code key} (or {@code [key, rangeEnd)} when {@code rangeEnd} is not empty) from {@code
   * startRevision} (at least 1), delivering to {@code listener} on {@code executor}.
   */
  static HubWatch start(
      WatchHub hub,
      Executor executor,
      byte[] key,
      byte[] rangeEnd,
      long startRevision,
      Listener listener) {
    HubWatch w = new HubWatch(hub, executor, key, rangeEnd, listener);
    hub.watch(w.watcher, Math.max(1, startRevision));
    return w;
  }

  /** Stops the watch; call it on the listener's executor so nothing is delivered after it. */
  void cancel() {
    canceled = true;
    hub.cancel(watcher);
  }

  @Override
  public boolean offer(Watcher w, List<Event> events, long revision) {
    if (!canceled) {
      List<Event> copy = List.copyOf(events);
      executor.execute(
          () -> {
            if (!canceled) {
              listener.events(copy, revision);
            }
          });
    }
    return true;
  }

  @Override
  public void compacted(Watcher w, long compactRevision) {
    executor.execute(
        () -> {
          if (!canceled) {
            canceled = true;
            listener.compacted(compactRevision);
          }
        });
  }

  @Override
  public boolean progress(Watcher w, long revision) {
    return true; // never asked for: the watcher is created without progress notifications
  }
}
