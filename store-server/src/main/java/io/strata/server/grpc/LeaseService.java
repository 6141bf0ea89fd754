package io.strata.server.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.LeaseKeepAliveRequest;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseLeasesRequest;
import io.strata.api.etcdserverpb.LeaseLeasesResponse;
import io.strata.api.etcdserverpb.LeaseRevokeRequest;
import io.strata.api.etcdserverpb.LeaseRevokeResponse;
import io.strata.api.etcdserverpb.LeaseStatus;
import io.strata.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.strata.core.LeaseExistsException;
import io.strata.core.LeaseTtlTooLargeException;
import io.strata.core.lease.Lease;
import io.strata.core.lease.LeaseIdGenerator;
import io.strata.core.lease.Lessor;
import io.strata.server.apply.Command;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * etcd's Lease service. Grant, revoke and every keep-alive are replicated commands: a member that
 * is not the leader forwards them through Raft like any write, so a keep-alive sent to a follower
 * renews the lease on the leader and on every member that applies it (etcd forwards keep-alives to
 * the leader over HTTP instead). TimeToLive and Leases read this member's lease table after a
 * ReadIndex barrier.
 *
 * <p>Before proposing, a grant gets etcd's rules that need this member's configuration: a TTL below
 * ceil(1.5 × election timeout) seconds is raised to it, and id 0 is replaced by an id chosen here
 * ({@link LeaseIdGenerator}), so applying stays deterministic. A chosen id that collides is retried
 * with the next one; a client's id that collides gets etcd's "lease already exists".
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private static final int GRANT_ATTEMPTS = 3;

  private final Members members;
  private final long minTtl;
  private final LeaseIdGenerator ids;

  public LeaseService(Members members) {
    this.members = members;
    this.minTtl = minTtl(members.raft().electionTimeoutMs());
    this.ids = new LeaseIdGenerator(members.identity().memberId(), System.currentTimeMillis());
  }

  /** etcd's minimum lease TTL: ceil(1.5 × election timeout) in seconds (2 s for 1000 ms). */
  static long minTtl(int electionTimeoutMs) {
    return (3L * electionTimeoutMs + 1999) / 2000;
  }

  private Lessor lessor() {
    return members.stateMachine().lessor();
  }

  @Override
  public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> out) {
    if (request.getTTL() > Lessor.MAX_TTL) {
      out.onError(EtcdErrors.of(LeaseTtlTooLargeException.MESSAGE));
      return;
    }
    long ttl = Math.max(request.getTTL(), minTtl);
    grant(request.getID(), ttl, GRANT_ATTEMPTS)
        .thenApply(
            body -> {
              LeaseGrantResponse r = KvService.parse(() -> LeaseGrantResponse.parseFrom(body));
              return r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
            })
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }

  private CompletableFuture<byte[]> grant(long requestedId, long ttl, int attempts) {
    boolean chosenHere = requestedId == 0;
    long id = chosenHere ? freshId() : requestedId;
    CompletableFuture<byte[]> reply =
        members.propose(
            new Command.LeaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttl).build()));
    if (!chosenHere || attempts <= 1) {
      return reply;
    }
    return reply.exceptionallyCompose(
        e -> {
          Throwable cause =
              e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof StatusRuntimeException s
              && LeaseExistsException.MESSAGE.equals(s.getStatus().getDescription())) {
            return grant(0, ttl, attempts - 1);
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  /** The next generated id that this member does not already know as a lease. */
  private long freshId() {
    long id = ids.next();
    while (lessor().exists(id)) {
      id = ids.next();
    }
    return id;
  }

  @Override
  public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> out) {
    members
        .propose(new Command.LeaseRevoke(request))
        .thenApply(
            body -> {
              LeaseRevokeResponse r = KvService.parse(() -> LeaseRevokeResponse.parseFrom(body));
              return r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
            })
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }

  /**
   * Answers each request of the stream in order, one renewal at a time (as etcd does). A failure to
   * replicate (no leader, timeout) ends the stream with etcd's error; an unknown or expired lease
   * is answered with TTL 0.
   */
  @Override
  public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
      StreamObserver<LeaseKeepAliveResponse> out) {
    if (out instanceof ServerCallStreamObserver<LeaseKeepAliveResponse> call) {
      // Renewals still in flight when the client goes away complete into nothing.
      call.setOnCancelHandler(() -> {});
    }
    return new KeepAliveStream(out);
  }

  private final class KeepAliveStream implements StreamObserver<LeaseKeepAliveRequest> {
    private final StreamObserver<LeaseKeepAliveResponse> out;

    // Guarded by this: the chain of renewals, so responses go out in request order.
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private boolean done;

    KeepAliveStream(StreamObserver<LeaseKeepAliveResponse> out) {
      this.out = out;
    }

    @Override
    public synchronized void onNext(LeaseKeepAliveRequest request) {
      if (done) {
        return;
      }
      tail =
          tail.thenCompose(ignored -> keepAlive(request.getID()))
              .handle(
                  (response, error) -> {
                    send(response, error);
                    return null;
                  });
    }

    private synchronized void send(LeaseKeepAliveResponse response, Throwable error) {
      if (done) {
        return;
      }
      if (error != null) {
        done = true;
        out.onError(EtcdErrors.toStatus(error));
      } else {
        out.onNext(response);
      }
    }

    @Override
    public synchronized void onError(Throwable t) {
      done = true;
    }

    @Override
    public synchronized void onCompleted() {
      tail.whenComplete(
          (ignored, e) -> {
            synchronized (this) {
              if (!done) {
                done = true;
                out.onCompleted();
              }
            }
          });
    }
  }

  private CompletableFuture<LeaseKeepAliveResponse> keepAlive(long id) {
    if (members.raft().isLeader()) {
      // The leader's deadline has passed and the revoke is on its way: etcd answers TTL 0.
      Optional<Lessor.Status> status = lessor().status(id);
      if (status.isPresent() && status.get().remainingNanos() <= 0) {
        return CompletableFuture.completedFuture(
            LeaseKeepAliveResponse.newBuilder()
                .setHeader(members.header(members.store().currentRevision()))
                .setID(id)
                .build());
      }
    }
    return members
        .propose(new Command.LeaseKeepAlive(LeaseKeepAliveRequest.newBuilder().setID(id).build()))
        .thenApply(
            body -> {
              LeaseKeepAliveResponse r =
                  KvService.parse(() -> LeaseKeepAliveResponse.parseFrom(body));
              return r.toBuilder()
                  .setHeader(members.header(r.getHeader().getRevision()))
                  .setID(id)
                  .build();
            });
  }

  @Override
  public void leaseTimeToLive(
      LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> out) {
    members
        .raft()
        .readBarrier()
        .thenApply(
            ignored -> {
              long id = request.getID();
              LeaseTimeToLiveResponse.Builder r =
                  LeaseTimeToLiveResponse.newBuilder()
                      .setHeader(members.header(members.store().currentRevision()))
                      .setID(id);
              Optional<Lessor.Status> status = lessor().status(id);
              if (status.isEmpty()) {
                return r.setTTL(-1).build(); // etcd: an unknown lease has TTL -1, not an error
              }
              Lease lease = status.get().lease();
              r.setTTL(status.get().remainingTtl()).setGrantedTTL(lease.ttl());
              if (request.getKeys()) {
                for (byte[] key : members.store().leaseKeys(id)) {
                  r.addKeys(com.google.protobuf.ByteString.copyFrom(key));
                }
              }
              return r.build();
            })
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }

  @Override
  public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> out) {
    members
        .raft()
        .readBarrier()
        .thenApply(
            ignored -> {
              LeaseLeasesResponse.Builder r =
                  LeaseLeasesResponse.newBuilder()
                      .setHeader(members.header(members.store().currentRevision()));
              for (Lease lease : lessor().leases()) {
                r.addLeases(LeaseStatus.newBuilder().setID(lease.id()));
              }
              return r.build();
            })
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }
}
