package io.strata.client.internal;

import com.google.protobuf.ByteString;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.strata.api.v3electionpb.CampaignRequest;
import io.strata.api.v3electionpb.CampaignResponse;
import io.strata.api.v3electionpb.ElectionGrpc;
import io.strata.api.v3electionpb.LeaderKey;
import io.strata.api.v3electionpb.LeaderRequest;
import io.strata.api.v3electionpb.LeaderResponse;
import io.strata.api.v3electionpb.ProclaimRequest;
import io.strata.api.v3electionpb.ProclaimResponse;
import io.strata.api.v3electionpb.ResignRequest;
import io.strata.api.v3electionpb.ResignResponse;
import io.strata.client.Election;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** {@link Election} over etcd's v3election service; campaigning has no deadline. */
final class GrpcElection implements Election {
  private final Endpoints endpoints;
  private final Retrier retrier;

  GrpcElection(Endpoints endpoints, Retrier retrier) {
    this.endpoints = endpoints;
    this.retrier = retrier;
  }

  private static ElectionGrpc.ElectionStub stub(ManagedChannel ch, @Nullable Deadline d) {
    ElectionGrpc.ElectionStub s = ElectionGrpc.newStub(ch);
    return d == null ? s : s.withDeadline(d);
  }

  @Override
  public CompletableFuture<CampaignResponse> campaign(
      ByteString name, long lease, ByteString value) {
    var request =
        CampaignRequest.newBuilder().setName(name).setLease(lease).setValue(value).build();
    return retrier.call(false, null, (ch, d, o) -> stub(ch, d).campaign(request, o));
  }

  @Override
  public CompletableFuture<ProclaimResponse> proclaim(LeaderKey leader, ByteString value) {
    var request = ProclaimRequest.newBuilder().setLeader(leader).setValue(value).build();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).proclaim(request, o));
  }

  @Override
  public CompletableFuture<LeaderResponse> leader(ByteString name) {
    var request = LeaderRequest.newBuilder().setName(name).build();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).leader(request, o));
  }

  @Override
  public CompletableFuture<ResignResponse> resign(LeaderKey leader) {
    var request = ResignRequest.newBuilder().setLeader(leader).build();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).resign(request, o));
  }

  @Override
  public AutoCloseable observe(ByteString name, Consumer<LeaderResponse> leaders) {
    AtomicReference<@Nullable ClientCallStreamObserver<?>> call = new AtomicReference<>();
    stub(endpoints.current(), null)
        .observe(
            LeaderRequest.newBuilder().setName(name).build(),
            new ClientResponseObserver<LeaderRequest, LeaderResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<LeaderRequest> requests) {
                call.set(requests);
              }

              @Override
              public void onNext(LeaderResponse value) {
                leaders.accept(value);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    return () -> {
      ClientCallStreamObserver<?> c = call.get();
      if (c != null) {
        c.cancel("observer closed", null);
      }
    };
  }
}
