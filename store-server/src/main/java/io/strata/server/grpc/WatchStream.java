package io.strata.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.WatchCancelRequest;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.core.kv.Event;
import io.strata.core.watch.WatchHub;
import io.strata.core.watch.WatchSink;
import io.strata.core.watch.Watcher;
import io.strata.server.apply.ProtoMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One Watch stream: it turns requests into watchers on the hub and is the sink of their events.
 *
 * <p>Responses wait in a bounded queue and are written only while gRPC says the client keeps up
 * ({@code isReady}). When the queue holds {@link #MAX_QUEUED} event responses the stream refuses
 * more, which makes the hub park its watchers as unsynced; they catch up from history once the
 * client reads again. So a client that stops reading holds at most a bounded queue, never blocks
 * apply or other streams, and loses nothing. Control responses (created, canceled, progress) are
 * always queued: they are few and carry ordering guarantees.
 */
final class WatchStream implements StreamObserver<WatchRequest>, WatchSink {
  /** Event responses queued per stream before watchers are parked (etcd buffers 128 per watch). */
  static final int MAX_QUEUED = 1024;

  private static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
  private static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

  private final Members members;
  private final WatchHub hub;
  private final ServerCallStreamObserver<WatchResponse> out;
  private final int maxResponseBytes;
  private final ScheduledExecutorService timer;

  // @GuardedBy("this")
  private final ArrayDeque<WatchResponse> queue = new ArrayDeque<>();

  // @GuardedBy("this")
  private int queuedEvents;

  // @GuardedBy("this")
  private final Map<Long, Watcher> watchers = new HashMap<>();

  // @GuardedBy("this")
  private final Map<Long, Boolean> fragmenting = new HashMap<>();

  // @GuardedBy("this")
  private long nextId;

  // @GuardedBy("this")
  private boolean closed;

  WatchStream(
      Members members,
      WatchHub hub,
      ServerCallStreamObserver<WatchResponse> out,
      int maxRequestBytes,
      ScheduledExecutorService timer) {
    this.members = members;
    this.hub = hub;
    this.out = out;
    // etcd splits fragmenting watch responses at its max request size plus gRPC overhead.
    this.maxResponseBytes = maxRequestBytes + (512 << 10);
    this.timer = timer;
    out.setOnReadyHandler(this::drain);
    out.setOnCancelHandler(this::close);
  }

  @Override
  public void onNext(WatchRequest request) {
    switch (request.getRequestUnionCase()) {
      case CREATE_REQUEST -> create(request.getCreateRequest());
      case CANCEL_REQUEST -> cancel(request.getCancelRequest());
      case PROGRESS_REQUEST -> progressRequest();
      case REQUESTUNION_NOT_SET -> {}
    }
  }

  private void create(WatchCreateRequest r) {
    long current = members.store().currentRevision();
    if (r.getStartRevision() < 0) {
      // etcd answers a negative start revision as a compacted watch with no id.
      control(
          WatchResponse.newBuilder()
              .setHeader(members.header(current))
              .setWatchId(-1)
              .setCreated(true)
              .setCanceled(true)
              .setCancelReason(COMPACTED)
              .build());
      return;
    }
    byte[] key = r.getKey().isEmpty() ? new byte[] {0} : r.getKey().toByteArray();
    boolean noPut = false;
    boolean noDelete = false;
    for (WatchCreateRequest.FilterType f : r.getFiltersList()) {
      noPut |= f == WatchCreateRequest.FilterType.NOPUT;
      noDelete |= f == WatchCreateRequest.FilterType.NODELETE;
    }
    Watcher w;
    synchronized (this) {
      if (closed) {
        return;
      }
      long id = r.getWatchId();
      if (id != 0 && watchers.containsKey(id) || id < 0) {
        control(
            WatchResponse.newBuilder()
                .setHeader(members.header(current))
                .setWatchId(-1)
                .setCreated(true)
                .setCanceled(true)
                .setCancelReason(DUPLICATE_ID)
                .build());
        return;
      }
      if (id == 0) {
        while (watchers.containsKey(nextId)) {
          nextId++;
        }
        id = nextId++;
      }
      w =
          new Watcher(
              id,
              key,
              r.getRangeEnd().toByteArray(),
              noPut,
              noDelete,
              r.getPrevKv(),
              r.getProgressNotify(),
              this,
              this);
      watchers.put(id, w);
      fragmenting.put(id, r.getFragment());
      // The created response is queued before the watcher can produce anything.
      control(
          WatchResponse.newBuilder()
              .setHeader(members.header(current))
              .setWatchId(id)
              .setCreated(true)
              .build());
    }
    hub.watch(w, r.getStartRevision());
  }

  private void cancel(WatchCancelRequest r) {
    Watcher w;
    synchronized (this) {
      w = watchers.remove(r.getWatchId());
      fragmenting.remove(r.getWatchId());
    }
    if (w == null) {
      return;
    }
    hub.cancel(w);
    control(
        WatchResponse.newBuilder()
            .setHeader(members.header(members.store().currentRevision()))
            .setWatchId(w.id())
            .setCanceled(true)
            .build());
  }

  /**
   * etcd answers a progress request once every watcher of the stream is synced, with watch id -1
   * and a revision that no later event on the stream will be at or below.
   */
  private void progressRequest() {
    boolean sent =
        hub.requestProgress(
            this,
            revision ->
                control(
                    WatchResponse.newBuilder()
                        .setHeader(members.header(revision))
                        .setWatchId(-1)
                        .build()));
    if (!sent && !isClosed()) {
      timer.schedule(this::progressRequest, 50, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public boolean offer(Watcher w, List<Event> events, long revision) {
    synchronized (this) {
      if (closed || !watchers.containsKey(w.id())) {
        return true; // gone: nothing to deliver, nothing to retry
      }
      if (queuedEvents >= MAX_QUEUED) {
        return false;
      }
      boolean fragment = fragmenting.getOrDefault(w.id(), false);
      for (WatchResponse r : responses(w, events, revision, fragment)) {
        queue.add(r);
        queuedEvents++;
      }
    }
    drain();
    return true;
  }

  private List<WatchResponse> responses(
      Watcher w, List<Event> events, long revision, boolean fragment) {
    WatchResponse.Builder whole =
        WatchResponse.newBuilder().setHeader(members.header(revision)).setWatchId(w.id());
    for (Event e : events) {
      whole.addEvents(ProtoMapper.event(e, w.prevKv()));
    }
    WatchResponse all = whole.build();
    if (!fragment || all.getSerializedSize() <= maxResponseBytes || events.size() < 2) {
      return List.of(all);
    }
    // Split into parts under the limit; every part but the last says more follow.
    List<WatchResponse> parts = new ArrayList<>();
    WatchResponse.Builder part = all.toBuilder().clearEvents();
    int size = 0;
    for (io.strata.api.mvccpb.Event e : all.getEventsList()) {
      int s = e.getSerializedSize() + 8;
      if (part.getEventsCount() > 0 && size + s > maxResponseBytes) {
        parts.add(part.setFragment(true).build());
        part = all.toBuilder().clearEvents();
        size = 0;
      }
      part.addEvents(e);
      size += s;
    }
    parts.add(part.setFragment(false).build());
    return parts;
  }

  @Override
  public void compacted(Watcher w, long compactRevision) {
    synchronized (this) {
      if (watchers.remove(w.id()) == null) {
        return;
      }
      fragmenting.remove(w.id());
    }
    control(
        WatchResponse.newBuilder()
            .setHeader(members.header(members.store().currentRevision()))
            .setWatchId(w.id())
            .setCanceled(true)
            .setCompactRevision(compactRevision)
            .setCancelReason(COMPACTED)
            .build());
  }

  @Override
  public boolean progress(Watcher w, long revision) {
    synchronized (this) {
      if (closed || queuedEvents >= MAX_QUEUED) {
        return false;
      }
      queue.add(
          WatchResponse.newBuilder()
              .setHeader(members.header(revision))
              .setWatchId(w.id())
              .build());
    }
    drain();
    return true;
  }

  private void control(WatchResponse r) {
    synchronized (this) {
      if (closed) {
        return;
      }
      queue.add(r);
    }
    drain();
  }

  /** Writes queued responses while the transport accepts them; runs on any thread. */
  private void drain() {
    synchronized (this) {
      while (!closed && !queue.isEmpty() && out.isReady()) {
        WatchResponse r = queue.poll();
        if (r.getEventsCount() > 0) {
          queuedEvents--;
        }
        try {
          out.onNext(r);
        } catch (RuntimeException e) {
          closed = true; // the call is gone
        }
      }
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public void onError(Throwable t) {
    close();
  }

  @Override
  public void onCompleted() {
    close();
    try {
      out.onCompleted();
    } catch (RuntimeException e) {
      // already closed by the client
    }
  }

  private void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      watchers.clear();
    }
    hub.cancelAll(this);
  }
}
