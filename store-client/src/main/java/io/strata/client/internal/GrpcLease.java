package io.strata.client.internal;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
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
import io.strata.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.strata.client.EtcdException;
import io.strata.client.KeepAlive;
import io.strata.client.KeepAliveListener;
import io.strata.client.Lease;
import io.strata.client.LeaseNotFoundException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * {@link Lease} over etcd's Lease service. Grant with a server-chosen id is not retried (a lost
 * reply would leave an unknown lease behind); grant with a given id, revoke, time-to-live and list
 * are idempotent.
 */
final class GrpcLease implements Lease {
  private final ClientSettings settings;
  private final Endpoints endpoints;
  private final Retrier retrier;
  private final ScheduledExecutorService scheduler;

  GrpcLease(
      ClientSettings settings,
      Endpoints endpoints,
      Retrier retrier,
      ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.retrier = retrier;
    this.scheduler = scheduler;
  }

  static LeaseGrpc.LeaseStub stub(ManagedChannel channel, @Nullable Deadline deadline) {
    LeaseGrpc.LeaseStub s = LeaseGrpc.newStub(channel);
    return deadline == null ? s : s.withDeadline(deadline);
  }

  @Override
  public CompletableFuture<LeaseGrantResponse> grant(long ttlSeconds, long id) {
    var request = LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).setID(id).build();
    return retrier
        .<LeaseGrantResponse>call(id != 0, (ch, d, o) -> stub(ch, d).leaseGrant(request, o))
        .thenApply(
            r -> {
              if (!r.getError().isEmpty()) {
                throw new EtcdException(Status.Code.UNKNOWN, r.getError());
              }
              return r;
            });
  }

  @Override
  public CompletableFuture<LeaseRevokeResponse> revoke(long id) {
    var request = LeaseRevokeRequest.newBuilder().setID(id).build();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).leaseRevoke(request, o));
  }

  @Override
  public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(long id, boolean keys) {
    var request = LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(keys).build();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).leaseTimeToLive(request, o));
  }

  @Override
  public CompletableFuture<LeaseLeasesResponse> leases() {
    var request = LeaseLeasesRequest.getDefaultInstance();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).leaseLeases(request, o));
  }

  @Override
  public CompletableFuture<LeaseKeepAliveResponse> keepAliveOnce(long id) {
    return retrier
        .<LeaseKeepAliveResponse>call(
            true,
            (ch, d, o) -> {
              StreamObserver<LeaseKeepAliveRequest> requests =
                  stub(ch, d)
                      .leaseKeepAlive(
                          new StreamObserver<>() {
                            private boolean done;

                            @Override
                            public void onNext(LeaseKeepAliveResponse r) {
                              if (!done) {
                                done = true;
                                o.onNext(r);
                                o.onCompleted();
                              }
                            }

                            @Override
                            public void onError(Throwable t) {
                              if (!done) {
                                done = true;
                                o.onError(t);
                              }
                            }

                            @Override
                            public void onCompleted() {
                              onError(
                                  Status.UNAVAILABLE
                                      .withDescription("keep-alive stream ended")
                                      .asRuntimeException());
                            }
                          });
              requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
              requests.onCompleted();
            })
        .thenApply(
            r -> {
              if (r.getTTL() <= 0) {
                throw new LeaseNotFoundException(id);
              }
              return r;
            });
  }

  @Override
  public KeepAlive keepAlive(long id, KeepAliveListener listener) {
    LeaseKeeper keeper = new LeaseKeeper(settings, endpoints, scheduler, id, listener);
    keeper.start();
    return keeper;
  }
}
