package io.strata.core.watch;

import io.strata.core.CompactedException;
import io.strata.core.kv.Event;
import io.strata.core.mvcc.KvStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's watchable store for one member.
 *
 * <p>A <em>synced</em> watcher has seen every revision up to the last one the hub was notified of;
 * {@link #notify} hands it the matching events of each newly applied batch. An <em>unsynced</em>
 * watcher (started in the past, or whose sink had no room) is served by a background loop that
 * reads the store's history in bounded chunks, grouped by start revision, until it is caught up and
 * moves back to synced. A watcher behind the compact revision is canceled with it. Single-key
 * watchers are indexed by key so that a write touches only the watchers that can want it (plus
 * range watchers).
 *
 * <p>Ordering and uniqueness: all moves between the two sets, and every delivery from {@link
 * #notify}, happen under one lock together with {@code lastNotified}, so a watcher never receives a
 * revision twice or skips one.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);

  /** etcd syncs unsynced watchers in batches of 512. */
  private static final int SYNC_BATCH = 512;

  /** Events read from history per catch-up step (cut at a revision boundary). */
  private static final int HISTORY_CHUNK = 1000;

  private final Supplier<? extends KvStore> store;
  private final Object lock = new Object();
  private final ScheduledExecutorService executor;

  // @GuardedBy("lock")
  private final Map<ByteBuffer, Set<Watcher>> syncedByKey = new HashMap<>();

  // @GuardedBy("lock")
  private final Set<Watcher> syncedRanges = new LinkedHashSet<>();

  // @GuardedBy("lock")
  private final Set<Watcher> unsynced = new LinkedHashSet<>();

  // @GuardedBy("lock")
  private final IdentityHashMap<Object, Set<Watcher>> byOwner = new IdentityHashMap<>();

  // @GuardedBy("lock")
  private long lastNotified;

  /**
   * @param store the member's store (re-read on each use: it is replaced on snapshot install)
   * @param syncInterval how often unsynced watchers are served
   * @param progressInterval how often synced watchers that asked for it get a progress notification
   *     (etcd's {@code --experimental-watch-progress-notify-interval}, 10 minutes)
   */
  // The periodic tasks' futures are not kept: close() ends both with executor.shutdownNow(), and
  // nothing waits on them. A task that threw would stop repeating, so both catch and log.
  @SuppressWarnings("FutureReturnValueIgnored")
  public WatchHub(
      Supplier<? extends KvStore> store, Duration syncInterval, Duration progressInterval) {
    this.store = store;
    this.lastNotified = store.get().currentRevision();
    this.executor =
        Executors.newScheduledThreadPool(
            1,
            r -> {
              Thread t = new Thread(r, "strata-watch-sync");
              t.setDaemon(true);
              return t;
            });
    long sync = Math.max(1, syncInterval.toMillis());
    executor.scheduleWithFixedDelay(this::syncSafely, sync, sync, TimeUnit.MILLISECONDS);
    long progress = Math.max(1, progressInterval.toMillis());
    executor.scheduleWithFixedDelay(this::progressTick, progress, progress, TimeUnit.MILLISECONDS);
  }

  /**
   * Registers a watcher. {@code startRevision} 0 means "from the next revision"; a past revision
   * replays history first (it must not be below the compact revision, else the watcher is canceled
   * through its sink); a future one waits for it.
   */
  public void watch(Watcher w, long startRevision) {
    synchronized (lock) {
      w.nextRevision = startRevision > 0 ? startRevision : lastNotified + 1;
      byOwner.computeIfAbsent(w.owner(), o -> new LinkedHashSet<>()).add(w);
      if (w.nextRevision > lastNotified) {
        addSynced(w);
      } else {
        unsynced.add(w);
      }
    }
    if (startRevision > 0) {
      executor.execute(this::syncSafely);
    }
  }

  /** Stops a watcher; no event reaches its sink after this returns. */
  public void cancel(Watcher w) {
    synchronized (lock) {
      remove(w);
    }
  }

  /** Stops every watcher of {@code owner} (a closed stream). */
  public void cancelAll(Object owner) {
    synchronized (lock) {
      Set<Watcher> ws = byOwner.get(owner);
      if (ws != null) {
        for (Watcher w : new ArrayList<>(ws)) {
          remove(w);
        }
      }
    }
  }

  /**
   * Answers a progress request: if every watcher of {@code owner} is synced, calls {@code send}
   * with the revision they have all seen, while holding the lock so that no later event can be
   * queued ahead of it, and returns true; otherwise returns false (ask again later).
   */
  public boolean requestProgress(Object owner, LongConsumer send) {
    synchronized (lock) {
      Set<Watcher> ws = byOwner.get(owner);
      if (ws != null) {
        for (Watcher w : ws) {
          if (!w.synced) {
            return false;
          }
        }
      }
      send.accept(lastNotified);
      return true;
    }
  }

  /** The number of watchers registered (synced and unsynced). */
  public int size() {
    synchronized (lock) {
      int n = unsynced.size() + syncedRanges.size();
      for (Set<Watcher> ws : syncedByKey.values()) {
        n += ws.size();
      }
      return n;
    }
  }

  /**
   * Hands the events of a committed batch to the synced watchers that want them. Called by the
   * apply thread after each commit, with events in revision order; never blocks on a sink.
   */
  public void notify(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    long first = events.get(0).revision();
    long last = events.get(events.size() - 1).revision();
    synchronized (lock) {
      if (first > lastNotified + 1) {
        // Revisions arrived without events (a snapshot was installed): replay them from history.
        unsyncAll(lastNotified + 1);
      }
      Map<Watcher, List<Event>> matched = new LinkedHashMap<>();
      for (Event e : events) {
        Set<Watcher> byKey = syncedByKey.get(ByteBuffer.wrap(e.kv().key()));
        if (byKey != null) {
          for (Watcher w : byKey) {
            collect(matched, w, e);
          }
        }
        for (Watcher w : syncedRanges) {
          collect(matched, w, e);
        }
      }
      lastNotified = Math.max(lastNotified, last);
      for (Map.Entry<Watcher, List<Event>> m : matched.entrySet()) {
        Watcher w = m.getKey();
        if (!w.sink().offer(w, m.getValue(), last)) {
          // No room: the watcher re-reads this batch from history once its sink drains.
          removeSynced(w);
          w.nextRevision = Math.max(w.nextRevision, first);
          unsynced.add(w);
        }
      }
    }
  }

  // @GuardedBy("lock")
  private static void collect(Map<Watcher, List<Event>> matched, Watcher w, Event e) {
    if (e.revision() >= w.nextRevision && w.wants(e)) {
      matched.computeIfAbsent(w, k -> new ArrayList<>()).add(e);
    }
  }

  // @GuardedBy("lock")
  private void unsyncAll(long fromRevision) {
    List<Watcher> all = new ArrayList<>(syncedRanges);
    syncedByKey.values().forEach(all::addAll);
    for (Watcher w : all) {
      removeSynced(w);
      w.nextRevision = Math.max(w.nextRevision, fromRevision);
      unsynced.add(w);
    }
  }

  private void syncSafely() {
    try {
      sync();
    } catch (RuntimeException e) {
      // The store may be closed or being replaced; the next round retries.
      LOG.atDebug().setMessage("watch sync round failed").setCause(e).log();
    }
  }

  /** One round of catch-up for up to {@link #SYNC_BATCH} unsynced watchers. */
  void sync() {
    KvStore s = store.get();
    List<Watcher> batch = new ArrayList<>();
    long target;
    synchronized (lock) {
      if (s.currentRevision() > lastNotified + 1 && unsynced.isEmpty() && hasSynced()) {
        // Applied revisions were never notified (snapshot install): catch everyone up.
        unsyncAll(lastNotified + 1);
      }
      target = Math.max(lastNotified, s.currentRevision());
      for (Iterator<Watcher> it = unsynced.iterator();
          it.hasNext() && batch.size() < SYNC_BATCH; ) {
        batch.add(it.next());
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    long from = Long.MAX_VALUE;
    boolean prevKv = false;
    for (Watcher w : batch) {
      from = Math.min(from, w.nextRevision);
      prevKv |= w.prevKv();
    }
    long compact = s.compactRevision();
    List<Event> history = List.of();
    long seen = target;
    if (from <= target) {
      try {
        history = s.history(Math.max(from, compact), target, prevKv, HISTORY_CHUNK);
      } catch (CompactedException e) {
        compact = e.compactRevision();
      }
      if (history.size() >= HISTORY_CHUNK) {
        seen = history.get(history.size() - 1).revision();
      }
    }
    for (Watcher w : batch) {
      serve(w, history, seen, compact);
    }
  }

  private void serve(Watcher w, List<Event> history, long seen, long compact) {
    synchronized (lock) {
      if (w.canceled || w.synced) {
        return;
      }
      if (w.nextRevision < compact) {
        remove(w);
        w.sink().compacted(w, compact);
        return;
      }
    }
    if (w.nextRevision <= seen) {
      List<Event> mine = new ArrayList<>();
      for (Event e : history) {
        if (e.revision() >= w.nextRevision && w.wants(e)) {
          mine.add(e);
        }
      }
      synchronized (lock) {
        if (w.canceled) {
          return;
        }
        if (!mine.isEmpty() && !w.sink().offer(w, mine, seen)) {
          return; // still no room; next round
        }
        w.nextRevision = seen + 1;
      }
    }
    synchronized (lock) {
      if (!w.canceled && !w.synced && w.nextRevision > lastNotified) {
        unsynced.remove(w);
        addSynced(w);
      }
    }
  }

  private void progressTick() {
    synchronized (lock) {
      List<Watcher> all = new ArrayList<>(syncedRanges);
      syncedByKey.values().forEach(all::addAll);
      for (Watcher w : all) {
        if (w.progressNotify()) {
          try {
            w.sink().progress(w, lastNotified);
          } catch (RuntimeException e) {
            // One broken stream must not end progress for every watcher: a scheduled task that
            // throws never runs again.
            LOG.atDebug().setMessage("progress notification failed").setCause(e).log();
          }
        }
      }
    }
  }

  // @GuardedBy("lock")
  private boolean hasSynced() {
    return !syncedRanges.isEmpty() || !syncedByKey.isEmpty();
  }

  // @GuardedBy("lock")
  private void addSynced(Watcher w) {
    w.synced = true;
    if (w.isSingleKey()) {
      syncedByKey.computeIfAbsent(ByteBuffer.wrap(w.key()), k -> new LinkedHashSet<>()).add(w);
    } else {
      syncedRanges.add(w);
    }
  }

  // @GuardedBy("lock")
  private void removeSynced(Watcher w) {
    w.synced = false;
    if (w.isSingleKey()) {
      ByteBuffer k = ByteBuffer.wrap(w.key());
      Set<Watcher> ws = syncedByKey.get(k);
      if (ws != null) {
        ws.remove(w);
        if (ws.isEmpty()) {
          syncedByKey.remove(k);
        }
      }
    } else {
      syncedRanges.remove(w);
    }
  }

  // @GuardedBy("lock")
  private void remove(Watcher w) {
    w.canceled = true;
    removeSynced(w);
    unsynced.remove(w);
    Set<Watcher> ws = byOwner.get(w.owner());
    if (ws != null) {
      ws.remove(w);
      if (ws.isEmpty()) {
        byOwner.remove(w.owner());
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
