package io.strata.server.grpc;

import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.core.mvcc.MvccStore;
import io.strata.server.raft.KvStateMachine;
import io.strata.server.raft.RaftNode;

/** What the services share: this member's identity, its Raft node and its store. */
public record Members(MemberIdentity identity, RaftNode raft, KvStateMachine stateMachine) {

  public MvccStore store() {
    return stateMachine.store();
  }

  /** A response header for {@code revision} (etcd fills all four fields on every response). */
  public ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder()
        .setClusterId(identity.clusterId())
        .setMemberId(identity.memberId())
        .setRevision(revision)
        .setRaftTerm(raft.term())
        .build();
  }
}
