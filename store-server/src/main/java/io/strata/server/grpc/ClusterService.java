package io.strata.server.grpc;

import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.Member;
import io.strata.api.etcdserverpb.MemberListRequest;
import io.strata.api.etcdserverpb.MemberListResponse;
import io.strata.server.raft.RaftNode;

/**
 * etcd's Cluster service. MemberList reports the Raft configuration (voters, and learners as Ratis
 * listeners) with each member's published name and client URLs. Membership changes are not
 * implemented yet and answer gRPC UNIMPLEMENTED.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final Members members;

  public ClusterService(Members members) {
    this.members = members;
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
    try {
      MemberListResponse.Builder b =
          MemberListResponse.newBuilder()
              .setHeader(members.header(members.store().currentRevision()));
      for (RaftNode.Peer p : members.raft().peers()) {
        Member.Builder m =
            Member.newBuilder()
                .setID(members.identity().idOf(p.name()))
                .setName(p.name())
                .addPeerURLs("http://" + p.address())
                .setIsLearner(p.learner());
        io.strata.server.apply.Members.published(members.store(), p.name())
            .ifPresent(published -> m.addAllClientURLs(published.getClientURLsList()));
        b.addMembers(m);
      }
      out.onNext(b.build());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
    }
  }
}
