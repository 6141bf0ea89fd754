package io.strata.bench.load;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.LeaseKeepAliveRequest;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseRevokeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@code lease-keepalive}: each client is granted one lease before the clock starts, then sends
 * LeaseKeepAlive requests for it on its own bidi stream, one in flight at a time; latency runs from
 * a request to its response. A response with TTL 0 (the lease is gone) is an error, {@code
 * LEASE_NOT_FOUND}. The leases are revoked after the run.
 */
final class LeaseKeepAliveClients implements WorkloadDriver {
  /** How often the watchdog looks for keep-alives unanswered past the request timeout. */
  private static final long WATCHDOG_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final LoadGenerator gen;
  private final LoadOptions options;
  private final List<Client> clients = new ArrayList<>();

  LeaseKeepAliveClients(LoadGenerator gen) {
    this.gen = gen;
    this.options = gen.options();
  }

  @Override
  public int clients() {
    return options.clients();
  }

  /** Grants every client's lease, all at once, and waits for the grants. */
  @Override
  public void prepare(List<ManagedChannel> channels) throws InterruptedException {
    CountDownLatch granted = new CountDownLatch(options.clients());
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < options.clients(); i++) {
      Client c = new Client(LeaseGrpc.newStub(channels.get(i % channels.size())));
      clients.add(c);
      c.stub
          .withDeadlineAfter(gen.requestTimeoutNanos(), TimeUnit.NANOSECONDS)
          .leaseGrant(
              LeaseGrantRequest.newBuilder().setTTL(options.params().leaseTtlSeconds()).build(),
              new StreamObserver<LeaseGrantResponse>() {
                @Override
                public void onNext(LeaseGrantResponse r) {
                  c.leaseId = r.getID();
                }

                @Override
                public void onError(Throwable t) {
                  failure.compareAndSet(null, t);
                  granted.countDown();
                }

                @Override
                public void onCompleted() {
                  granted.countDown();
                }
              });
    }
    if (!granted.await(gen.requestTimeoutNanos() * 2, TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("lease-keepalive: lease grants did not complete");
    }
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("lease-keepalive: a lease grant failed: " + t, t);
    }
  }

  @Override
  public void start(List<ManagedChannel> channels, CountDownLatch done) {
    gen.every(() -> clients.forEach(Client::expireIfUnanswered), WATCHDOG_NANOS);
    for (Client c : clients) {
      c.done = done;
      c.openStreamAndSend();
    }
  }

  /** Revokes the leases so that repeated runs do not leave them to expire on the server. */
  @Override
  public void close() {
    CountDownLatch revoked = new CountDownLatch(clients.size());
    for (Client c : clients) {
      if (c.leaseId == 0) {
        revoked.countDown();
        continue;
      }
      c.stub
          .withDeadlineAfter(gen.requestTimeoutNanos(), TimeUnit.NANOSECONDS)
          .leaseRevoke(
              LeaseRevokeRequest.newBuilder().setID(c.leaseId).build(),
              new StreamObserver<>() {
                @Override
                public void onNext(io.strata.api.etcdserverpb.LeaseRevokeResponse r) {}

                @Override
                public void onError(Throwable t) {
                  revoked.countDown(); // cleanup only: the lease expires by itself
                }

                @Override
                public void onCompleted() {
                  revoked.countDown();
                }
              });
    }
    try {
      revoked.await(gen.requestTimeoutNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public Map<String, Number> details(long elapsedNanos) {
    return Map.of("lease_ttl_s", options.params().leaseTtlSeconds());
  }

  /**
   * One client's lease and stream. Responses, the watchdog and retries reach it from different
   * threads, and a request stream must not be written concurrently, so its state is guarded by the
   * client's lock. A stream is replaced after an error; its generation tells the late callbacks of
   * a replaced stream apart.
   */
  private final class Client {
    private final LeaseGrpc.LeaseStub stub;
    private volatile long leaseId;
    private @Nullable CountDownLatch done;
    private @Nullable StreamObserver<LeaseKeepAliveRequest> requests;
    private int generation;
    private long sentAtNanos;
    private boolean awaiting;
    private boolean finished;

    Client(LeaseGrpc.LeaseStub stub) {
      this.stub = stub;
    }

    synchronized void openStreamAndSend() {
      if (finished) {
        return;
      }
      int g = ++generation;
      requests = stub.leaseKeepAlive(new Responses(g));
      sendNext();
    }

    /** Sends the next keep-alive, or half-closes the stream once the run allows no more. */
    private synchronized void sendNext() {
      StreamObserver<LeaseKeepAliveRequest> r = requests;
      if (r == null || finished) {
        return;
      }
      int g = generation;
      gen.sendNext(() -> send(g), this::finish);
    }

    /**
     * Sends the keep-alive on stream generation {@code g}, at its {@code --rate} slot. If that
     * stream failed meanwhile, the restarted one sends its own keep-alive and this one is dropped
     * (a run with a total then issues one fewer).
     */
    private synchronized void send(int g) {
      StreamObserver<LeaseKeepAliveRequest> r = requests;
      if (r == null || finished || g != generation) {
        return;
      }
      sentAtNanos = System.nanoTime();
      awaiting = true;
      r.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
    }

    /** Half-closes the stream: the run allows no more keep-alives. */
    private synchronized void finish() {
      if (finished) {
        return;
      }
      finished = true;
      StreamObserver<LeaseKeepAliveRequest> r = requests;
      if (r != null) {
        r.onCompleted();
      }
      if (done != null) {
        done.countDown();
      }
    }

    private synchronized void answered(int g, LeaseKeepAliveResponse response) {
      if (g != generation || !awaiting) {
        return;
      }
      awaiting = false;
      if (response.getTTL() <= 0) {
        gen.failed("LEASE_NOT_FOUND");
      } else {
        gen.succeeded(sentAtNanos);
      }
      sendNext();
    }

    private synchronized void failed(int g, Throwable t) {
      if (g != generation || finished) {
        return;
      }
      gen.failed(t);
      restartLater();
    }

    /** Watchdog: a keep-alive unanswered past the request timeout fails and the stream restarts. */
    synchronized void expireIfUnanswered() {
      if (!awaiting || finished || System.nanoTime() - sentAtNanos < gen.requestTimeoutNanos()) {
        return;
      }
      gen.failed(Status.Code.DEADLINE_EXCEEDED.name());
      StreamObserver<LeaseKeepAliveRequest> r = requests;
      // First retire the stream, so that the error its cancellation reports is ignored.
      restartLater();
      if (r != null) {
        r.onError(Status.CANCELLED.withDescription("keep-alive timed out").asRuntimeException());
      }
    }

    private void restartLater() {
      awaiting = false;
      requests = null;
      generation++; // callbacks of the old stream are now ignored
      gen.retryLater(this::openStreamAndSend);
    }

    private final class Responses implements StreamObserver<LeaseKeepAliveResponse> {
      private final int streamGeneration;

      Responses(int streamGeneration) {
        this.streamGeneration = streamGeneration;
      }

      @Override
      public void onNext(LeaseKeepAliveResponse r) {
        answered(streamGeneration, r);
      }

      @Override
      public void onError(Throwable t) {
        failed(streamGeneration, t);
      }

      @Override
      public void onCompleted() {
        // The server ends the stream only after our half-close, when the client has finished.
      }
    }
  }
}
