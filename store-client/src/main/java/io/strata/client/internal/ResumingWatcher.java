package io.strata.client.internal;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import io.strata.client.CompactedException;
import io.strata.client.EtcdException;
import io.strata.client.WatchListener;
import io.strata.client.WatchOptions;
import io.strata.client.Watcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One watch on its own stream, reopened after any transport failure from {@link #nextRevision}: the
 * revision after the last one delivered, or after the revision the first stream was created at when
 * nothing was delivered yet. A revision's events always arrive in one response, so resuming at a
 * revision boundary neither repeats nor skips an event; responses are still checked against {@link
 * #nextRevision} in case a member replays what was already delivered.
 *
 * <p>Streams carry etcd's {@code hasleader} metadata, with which etcd cancels the watches of a
 * member cut off from its cluster so that they move to a member that still sees writes (Strata's
 * members do not act on it yet). A member that dies is noticed at once (the connection resets) or
 * by the channel's keep-alive pings.
 */
final class ResumingWatcher implements Watcher {
  private static final Metadata.Key<String> HAS_LEADER =
      Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);

  private final ClientSettings settings;
  private final Endpoints endpoints;
  private final ScheduledExecutorService scheduler;
  private final ByteString key;
  private final WatchOptions options;
  private final WatchListener listener;

  private final Object lock = new Object();

  // @GuardedBy("lock")
  private long nextRevision;
  private boolean closed;
  private int failures;
  private @Nullable ClientCallStreamObserver<WatchRequest> stream;

  ResumingWatcher(
      ClientSettings settings,
      Endpoints endpoints,
      ScheduledExecutorService scheduler,
      ByteString key,
      WatchOptions options,
      WatchListener listener) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.scheduler = scheduler;
    this.key = key;
    this.options = options;
    this.listener = listener;
    this.nextRevision = options.startRevision();
  }

  void start() {
    open();
  }

  @Override
  public long nextRevision() {
    synchronized (lock) {
      return nextRevision;
    }
  }

  private void open() {
    ManagedChannel channel;
    long from;
    synchronized (lock) {
      if (closed) {
        return;
      }
      channel = endpoints.current();
      from = nextRevision;
    }
    Metadata headers = new Metadata();
    headers.put(HAS_LEADER, "true");
    WatchGrpc.WatchStub stub =
        WatchGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    var requests = stub.watch(new StreamObserver(channel));
    try {
      requests.onNext(
          WatchRequest.newBuilder().setCreateRequest(options.toRequest(key, from)).build());
    } catch (IllegalStateException e) {
      // close() canceled the call in the meantime: nothing to send.
    }
  }

  /** Delivers a response, keeping only events at or after {@link #nextRevision}. */
  private void deliver(WatchResponse response) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      List<Event> fresh = new ArrayList<>(response.getEventsCount());
      for (Event e : response.getEventsList()) {
        if (e.getKv().getModRevision() >= nextRevision) {
          fresh.add(e);
        }
      }
      if (response.getEventsCount() > 0) {
        if (fresh.isEmpty()) {
          return; // all already delivered before a reconnect
        }
        nextRevision = fresh.get(fresh.size() - 1).getKv().getModRevision() + 1;
        if (fresh.size() != response.getEventsCount()) {
          response = response.toBuilder().clearEvents().addAllEvents(fresh).build();
        }
      } else {
        // A progress notification: every event up to its header revision was delivered.
        nextRevision = Math.max(nextRevision, response.getHeader().getRevision() + 1);
      }
      listener.onNext(response);
    }
  }

  private void end(Throwable error) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      stream = null;
    }
    listener.onError(error);
  }

  // The scheduled open() does nothing once closed, and a stream it opens reports its failure
  // through its observer, which reconnects again: nothing waits for the task itself.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void reconnect(ManagedChannel failed) {
    int attempt;
    synchronized (lock) {
      if (closed) {
        return;
      }
      stream = null;
      attempt = ++failures;
    }
    endpoints.failed(failed);
    try {
      scheduler.schedule(this::open, settings.backoffMillis(attempt), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      end(new EtcdException(Status.Code.CANCELLED, "client is closed", e));
    }
  }

  @Override
  public void close() {
    ClientCallStreamObserver<WatchRequest> s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = stream;
      stream = null;
    }
    if (s != null) {
      s.cancel("watcher closed", null);
    }
    listener.onCompleted();
  }

  private final class StreamObserver
      implements ClientResponseObserver<WatchRequest, WatchResponse> {
    private final ManagedChannel channel;

    StreamObserver(ManagedChannel channel) {
      this.channel = channel;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requests) {
      synchronized (lock) {
        if (closed) {
          requests.cancel("watcher closed", null);
          return;
        }
        stream = requests;
      }
    }

    @Override
    public void onNext(WatchResponse response) {
      if (response.getCanceled()) {
        if (response.getCompactRevision() > 0) {
          end(new CompactedException(response.getCompactRevision()));
        } else {
          String reason = response.getCancelReason();
          end(
              new EtcdException(
                  Status.Code.CANCELLED,
                  reason.isEmpty()
                      ? "etcdserver: mvcc: required revision is a future revision"
                      : reason));
        }
        return;
      }
      if (response.getCreated()) {
        synchronized (lock) {
          failures = 0;
          if (nextRevision == 0) {
            // Started "from now": resume after the revision the watch was created at.
            nextRevision = response.getHeader().getRevision() + 1;
          }
        }
        if (response.getEventsCount() == 0) {
          return;
        }
      }
      deliver(response);
    }

    @Override
    public void onError(Throwable t) {
      if (Errors.resumable(t)) {
        reconnect(channel);
      } else if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
        end(Errors.from(t));
      } else {
        // Canceled by close(), or by the server without a reason: resume unless closed.
        reconnect(channel);
      }
    }

    @Override
    public void onCompleted() {
      // The server ended the stream (it is shutting down): resume elsewhere.
      reconnect(channel);
    }
  }
}
