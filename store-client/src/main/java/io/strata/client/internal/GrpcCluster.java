package io.strata.client.internal;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.MemberAddRequest;
import io.strata.api.etcdserverpb.MemberAddResponse;
import io.strata.api.etcdserverpb.MemberListRequest;
import io.strata.api.etcdserverpb.MemberListResponse;
import io.strata.api.etcdserverpb.MemberPromoteRequest;
import io.strata.api.etcdserverpb.MemberPromoteResponse;
import io.strata.api.etcdserverpb.MemberRemoveRequest;
import io.strata.api.etcdserverpb.MemberRemoveResponse;
import io.strata.api.etcdserverpb.MemberUpdateRequest;
import io.strata.api.etcdserverpb.MemberUpdateResponse;
import io.strata.client.Cluster;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** {@link Cluster} over etcd's Cluster service. */
final class GrpcCluster implements Cluster {
  private final Retrier retrier;

  GrpcCluster(Retrier retrier) {
    this.retrier = retrier;
  }

  private static ClusterGrpc.ClusterStub stub(ManagedChannel ch, @Nullable Deadline d) {
    ClusterGrpc.ClusterStub s = ClusterGrpc.newStub(ch);
    return d == null ? s : s.withDeadline(d);
  }

  @Override
  public CompletableFuture<MemberListResponse> memberList(boolean linearizable) {
    var request = MemberListRequest.newBuilder().setLinearizable(linearizable).build();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).memberList(request, o));
  }

  @Override
  public CompletableFuture<MemberAddResponse> memberAdd(List<String> peerUrls, boolean learner) {
    var request =
        MemberAddRequest.newBuilder().addAllPeerURLs(peerUrls).setIsLearner(learner).build();
    return retrier.call(false, (ch, d, o) -> stub(ch, d).memberAdd(request, o));
  }

  @Override
  public CompletableFuture<MemberRemoveResponse> memberRemove(long id) {
    var request = MemberRemoveRequest.newBuilder().setID(id).build();
    return retrier.call(false, (ch, d, o) -> stub(ch, d).memberRemove(request, o));
  }

  @Override
  public CompletableFuture<MemberUpdateResponse> memberUpdate(long id, List<String> peerUrls) {
    var request = MemberUpdateRequest.newBuilder().setID(id).addAllPeerURLs(peerUrls).build();
    return retrier.call(false, (ch, d, o) -> stub(ch, d).memberUpdate(request, o));
  }

  @Override
  public CompletableFuture<MemberPromoteResponse> memberPromote(long id) {
    var request = MemberPromoteRequest.newBuilder().setID(id).build();
    return retrier.call(false, (ch, d, o) -> stub(ch, d).memberPromote(request, o));
  }
}
