package io.strata.client.internal;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.LeaseKeepAliveRequest;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.client.KeepAlive;
import io.strata.client.KeepAliveListener;
import io.strata.client.LeaseNotFoundException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one lease alive: a keep-alive stream that sends a renewal now and then every third of the
 * TTL the server last granted (etcd's client schedule), and is reopened on the next endpoint with
 * backoff whenever it fails, so neither a member failure nor a leader change lets the lease lapse.
 * It stops when the server answers TTL 0 (the lease is gone) or when closed.
 */
final class LeaseKeeper implements KeepAlive {
  private static final long MIN_INTERVAL_MILLIS = 500;

  private final ClientSettings settings;
  private final Endpoints endpoints;
  private final ScheduledExecutorService scheduler;
  private final long id;
  private final KeepAliveListener listener;

  private final Object lock = new Object();

  // @GuardedBy("lock")
  private boolean closed;
  private int failures;
  private @Nullable ClientCallStreamObserver<LeaseKeepAliveRequest> stream;
  private @Nullable ScheduledFuture<?> next;
  private long lastResponseNanos;

  LeaseKeeper(
      ClientSettings settings,
      Endpoints endpoints,
      ScheduledExecutorService scheduler,
      long id,
      KeepAliveListener listener) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.scheduler = scheduler;
    this.id = id;
    this.listener = listener;
  }

  @Override
  public long leaseId() {
    return id;
  }

  void start() {
    open();
  }

  private void open() {
    ManagedChannel channel;
    synchronized (lock) {
      if (closed) {
        return;
      }
      channel = endpoints.current();
    }
    LeaseGrpc.newStub(channel).leaseKeepAlive(new Observer(channel));
    send();
  }

  // The timeout task only cancels a stream that got no answer in time (and does nothing once
  // closed): nothing waits for it.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void send() {
    ClientCallStreamObserver<LeaseKeepAliveRequest> s;
    synchronized (lock) {
      s = stream;
      if (closed || s == null) {
        return;
      }
    }
    long sentAt = System.nanoTime();
    try {
      s.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
    } catch (IllegalStateException e) {
      // The stream was canceled meanwhile; its observer reconnects.
      return;
    }
    // A member that is up but cut off (or hung) may never answer: give up on its stream after
    // the request timeout, which makes the observer reconnect to the next endpoint.
    try {
      scheduler.schedule(
          () -> {
            synchronized (lock) {
              if (closed || stream != s || lastResponseNanos - sentAt >= 0) {
                return;
              }
            }
            s.cancel("no keep-alive response within the request timeout", null);
          },
          settings.requestTimeout().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the client is closing
    }
  }

  private void schedule(Runnable task, long delayMillis) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        next = scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        closed = true; // the client is closing
      }
    }
  }

  private void failed(ManagedChannel channel) {
    int attempt;
    synchronized (lock) {
      if (closed) {
        return;
      }
      stream = null;
      if (next != null) {
        next.cancel(false);
      }
      attempt = ++failures;
    }
    endpoints.failed(channel);
    schedule(this::open, settings.backoffMillis(attempt));
  }

  @Override
  public void close() {
    ClientCallStreamObserver<LeaseKeepAliveRequest> s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = stream;
      stream = null;
      if (next != null) {
        next.cancel(false);
      }
    }
    if (s != null) {
      s.cancel("keep-alive closed", null);
    }
  }

  private final class Observer
      implements ClientResponseObserver<LeaseKeepAliveRequest, LeaseKeepAliveResponse> {
    private final ManagedChannel channel;

    Observer(ManagedChannel channel) {
      this.channel = channel;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<LeaseKeepAliveRequest> requests) {
      synchronized (lock) {
        if (closed) {
          requests.cancel("keep-alive closed", null);
          return;
        }
        stream = requests;
      }
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
      if (response.getTTL() <= 0) {
        boolean wasOpen;
        synchronized (lock) {
          wasOpen = !closed;
        }
        close();
        if (wasOpen) {
          listener.onError(new LeaseNotFoundException(id));
        }
        return;
      }
      synchronized (lock) {
        failures = 0;
        lastResponseNanos = System.nanoTime();
      }
      listener.onNext(response);
      schedule(
          LeaseKeeper.this::send,
          Math.max(MIN_INTERVAL_MILLIS, TimeUnit.SECONDS.toMillis(response.getTTL()) / 3));
    }

    @Override
    public void onError(Throwable t) {
      // CANCELLED here is close() (then failed() does nothing) or the response watchdog.
      if (Status.fromThrowable(t).getCode() == Status.Code.NOT_FOUND) {
        close();
        listener.onError(new LeaseNotFoundException(id));
        return;
      }
      failed(channel);
    }

    @Override
    public void onCompleted() {
      failed(channel);
    }
  }
}
