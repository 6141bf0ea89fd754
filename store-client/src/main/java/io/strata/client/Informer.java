package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import io.strata.api.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A list+watch cache of every key under a prefix, the way Kubernetes informers use etcd: list the
 * prefix at one revision (in pages of {@link #PAGE}), then watch from that revision + 1 and apply
 * each event. When the watch falls behind compaction it re-lists and tells the handler what changed
 * meanwhile, so the cache never silently misses an update. Handlers run on one thread, in revision
 * order.
 */
public final class Informer implements AutoCloseable {
  /** Keys per list page (Kubernetes pages lists likewise). */
  public static final int PAGE = 1000;

  /** Callbacks for changes of the cache; all optional. */
  public interface Handler {
    default void onAdd(KeyValue kv) {}

    default void onUpdate(KeyValue old, KeyValue kv) {}

    default void onDelete(KeyValue old) {}

    /** A list replaced the cache (the first one, or after compaction), at {@code revision}. */
    default void onList(long revision) {}
  }

  private final Client client;
  private final ByteString prefix;
  private final Handler handler;
  private final ExecutorService worker;
  private final CountDownLatch synced = new CountDownLatch(1);

  private final Object lock = new Object();

  // @GuardedBy("lock")
  private final Map<ByteString, KeyValue> cache =
      new TreeMap<>(ByteString.unsignedLexicographicalComparator());
  private long revision;
  private @Nullable Watcher watcher;
  private boolean closed;

  private Informer(Client client, ByteString prefix, Handler handler) {
    this.client = client;
    this.prefix = prefix;
    this.handler = handler;
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "strata-informer");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts listing and watching {@code prefix}; see {@link #awaitSynced}. */
  public static Informer start(Client client, ByteString prefix, Handler handler) {
    Informer informer = new Informer(client, prefix, handler);
    informer.worker.execute(informer::relist);
    return informer;
  }

  /** Waits until the first list is in the cache. */
  public boolean awaitSynced(long timeout, TimeUnit unit) throws InterruptedException {
    return synced.await(timeout, unit);
  }

  public Optional<KeyValue> get(ByteString key) {
    synchronized (lock) {
      return Optional.ofNullable(cache.get(key));
    }
  }

  /** Every cached key-value, by key. */
  public List<KeyValue> list() {
    synchronized (lock) {
      return new ArrayList<>(cache.values());
    }
  }

  /** The revision the cache reflects. */
  public long revision() {
    synchronized (lock) {
      return revision;
    }
  }

  private void relist() {
    try {
      Map<ByteString, KeyValue> listed =
          new TreeMap<>(ByteString.unsignedLexicographicalComparator());
      ByteString end = KeyRange.prefixEnd(prefix);
      ByteString from = prefix;
      long at = 0;
      while (true) {
        GetOptions.Builder page = GetOptions.builder().rangeEnd(end).limit(PAGE).revision(at);
        RangeResponse r = client.kv().get(from, page.build()).join();
        if (at == 0) {
          at = r.getHeader().getRevision();
        }
        r.getKvsList().forEach(kv -> listed.put(kv.getKey(), kv));
        if (!r.getMore() || r.getKvsCount() == 0) {
          break;
        }
        // The next page starts just after the last key (Kubernetes' continue key).
        from = r.getKvs(r.getKvsCount() - 1).getKey().concat(ByteString.copyFrom(new byte[] {0}));
      }
      replace(listed, at);
    } catch (RuntimeException e) {
      if (!isClosed()) {
        // Cluster unavailable beyond the client's retries: try the whole list again shortly.
        worker.execute(this::pauseThenRelist);
      }
    }
  }

  private void pauseThenRelist() {
    try {
      TimeUnit.MILLISECONDS.sleep(200); // backoff between list attempts on an unavailable cluster
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    relist();
  }

  private void replace(Map<ByteString, KeyValue> listed, long at) {
    List<Runnable> calls = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (KeyValue old : cache.values()) {
        if (!listed.containsKey(old.getKey())) {
          calls.add(() -> handler.onDelete(old));
        }
      }
      for (KeyValue kv : listed.values()) {
        KeyValue old = cache.get(kv.getKey());
        if (old == null) {
          calls.add(() -> handler.onAdd(kv));
        } else if (old.getModRevision() != kv.getModRevision()) {
          calls.add(() -> handler.onUpdate(old, kv));
        }
      }
      cache.clear();
      cache.putAll(listed);
      revision = at;
      watcher =
          client
              .watch()
              .watch(
                  prefix,
                  WatchOptions.builder().prefix(true).startRevision(at + 1).build(),
                  new Listener());
    }
    calls.forEach(Runnable::run);
    handler.onList(at);
    synced.countDown();
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private void apply(WatchResponse response) {
    List<Runnable> calls = new ArrayList<>();
    synchronized (lock) {
      for (Event e : response.getEventsList()) {
        KeyValue kv = e.getKv();
        KeyValue old;
        if (e.getType() == Event.EventType.DELETE) {
          old = cache.remove(kv.getKey());
          if (old != null) {
            KeyValue gone = old;
            calls.add(() -> handler.onDelete(gone));
          }
        } else {
          old = cache.put(kv.getKey(), kv);
          KeyValue prev = old;
          calls.add(prev == null ? () -> handler.onAdd(kv) : () -> handler.onUpdate(prev, kv));
        }
        revision = Math.max(revision, kv.getModRevision());
      }
      if (response.getEventsCount() == 0) {
        revision = Math.max(revision, response.getHeader().getRevision());
      }
    }
    calls.forEach(Runnable::run);
  }

  @Override
  public void close() {
    Watcher w;
    synchronized (lock) {
      closed = true;
      w = watcher;
      watcher = null;
    }
    if (w != null) {
      w.close();
    }
    worker.shutdownNow();
  }

  /** Hands watch callbacks to the worker so that handlers run on one thread, in order. */
  private final class Listener implements WatchListener {
    @Override
    public void onNext(WatchResponse response) {
      submit(() -> apply(response));
    }

    @Override
    public void onError(Throwable error) {
      if (error instanceof CompactedException && !isClosed()) {
        submit(Informer.this::relist);
      }
    }

    private void submit(Runnable task) {
      try {
        worker.execute(task);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed: nothing more to apply
      }
    }
  }
}
