package io.strata.server.faults.workload;

import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.server.faults.check.Event;
import io.strata.server.faults.check.WatchChecker.WatchLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Watchers pinned to members, one per (member, prefix). Each resumes after a broken stream (its
 * member was killed, paused past a deadline, or restarted) from the revision after the last event
 * it received, as etcd clients resume, and keeps everything it received for the watch checker.
 */
public final class Watchers implements AutoCloseable {
  private final Clients clients;
  private final List<Watcher> watchers = new ArrayList<>();
  private final ScheduledExecutorService retry =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "watch-reconnect");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean closed;

  public Watchers(Clients clients, List<String> prefixes, long startRevision) {
    this.clients = clients;
    for (int m = 0; m < clients.size(); m++) {
      for (String prefix : prefixes) {
        watchers.add(new Watcher("w-" + clients.name(m) + "-" + prefix, m, prefix, startRevision));
      }
    }
  }

  public void start() {
    watchers.forEach(Watcher::connect);
  }

  /**
   * Whether every watcher received events up to the last committed revision on its prefix ({@code
   * lastRevisionForPrefix}).
   */
  public boolean caughtUp(java.util.function.Function<String, Long> lastRevisionForPrefix) {
    for (Watcher w : watchers) {
      if (w.lastRevision() < lastRevisionForPrefix.apply(w.prefix)) {
        return false;
      }
    }
    return true;
  }

  public String lagging(java.util.function.Function<String, Long> lastRevisionForPrefix) {
    StringBuilder sb = new StringBuilder();
    for (Watcher w : watchers) {
      long want = lastRevisionForPrefix.apply(w.prefix);
      if (w.lastRevision() < want) {
        sb.append(w.id)
            .append(" at ")
            .append(w.lastRevision())
            .append(" < ")
            .append(want)
            .append("; ");
      }
    }
    return sb.toString();
  }

  public List<WatchLog> logs() {
    List<WatchLog> out = new ArrayList<>();
    for (Watcher w : watchers) {
      synchronized (w) {
        out.add(
            new WatchLog(
                w.id,
                clients.name(w.member),
                w.prefix,
                w.startRevision,
                List.copyOf(w.received),
                w.reconnects));
      }
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    retry.shutdownNow();
    watchers.forEach(Watcher::cancel);
  }

  private final class Watcher {
    final String id;
    final int member;
    final String prefix;
    final long startRevision;
    final List<Event> received = new ArrayList<>();
    int reconnects;
    private @Nullable StreamObserver<WatchRequest> requests;
    private long generation;

    Watcher(String id, int member, String prefix, long startRevision) {
      this.id = id;
      this.member = member;
      this.prefix = prefix;
      this.startRevision = startRevision;
    }

    synchronized long lastRevision() {
      return received.isEmpty() ? startRevision - 1 : received.get(received.size() - 1).revision();
    }

    synchronized void connect() {
      if (closed) {
        return;
      }
      long from = lastRevision() + 1;
      long gen = ++generation;
      StreamObserver<WatchResponse> observer =
          new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse r) {
              Watcher.this.onNext(gen, r);
            }

            @Override
            public void onError(Throwable t) {
              Watcher.this.broken(gen);
            }

            @Override
            public void onCompleted() {
              Watcher.this.broken(gen);
            }
          };
      StreamObserver<WatchRequest> req = WatchGrpc.newStub(clients.channel(member)).watch(observer);
      requests = req;
      req.onNext(
          WatchRequest.newBuilder()
              .setCreateRequest(
                  WatchCreateRequest.newBuilder()
                      .setKey(Clients.bytes(prefix))
                      .setRangeEnd(Clients.prefixEnd(prefix))
                      .setStartRevision(from))
              .build());
    }

    private synchronized void onNext(long gen, WatchResponse r) {
      if (gen != generation) {
        return;
      }
      if (r.getCanceled()) {
        broken(gen);
        return;
      }
      for (io.strata.api.mvccpb.Event e : r.getEventsList()) {
        var kv = e.getKv();
        received.add(
            e.getType() == io.strata.api.mvccpb.Event.EventType.DELETE
                ? Event.delete(kv.getModRevision(), kv.getKey().toStringUtf8())
                : Event.put(
                    kv.getModRevision(),
                    kv.getKey().toStringUtf8(),
                    kv.getValue().toStringUtf8(),
                    kv.getCreateRevision()));
      }
    }

    private synchronized void broken(long gen) {
      if (gen != generation || closed) {
        return;
      }
      generation++; // ignore anything the old stream still delivers
      StreamObserver<WatchRequest> r = requests;
      requests = null;
      if (r != null) {
        try {
          r.onError(new RuntimeException("reconnecting"));
        } catch (RuntimeException e) {
          // Already broken.
        }
      }
      reconnects++;
      try {
        retry.schedule(this::connect, 300, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // Closing.
      }
    }

    synchronized void cancel() {
      generation++;
      StreamObserver<WatchRequest> r = requests;
      requests = null;
      if (r != null) {
        try {
          r.onCompleted();
        } catch (RuntimeException e) {
          // Already broken.
        }
      }
    }
  }
}
