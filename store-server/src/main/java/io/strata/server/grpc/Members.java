package io.strata.server.grpc;

import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.core.mvcc.MvccStore;
import io.strata.server.apply.Command;
import io.strata.server.apply.Reply;
import io.strata.server.raft.KvStateMachine;
import io.strata.server.raft.RaftNode;
import java.util.concurrent.CompletableFuture;

/** What the services share: this member's identity, its Raft node and its store. */
public record Members(MemberIdentity identity, RaftNode raft, KvStateMachine stateMachine) {

  public MvccStore store() {
    return stateMachine.store();
  }

  /**
   * Replicates {@code command} and completes with the state machine's reply body once it is
   * applied, or fails with etcd's error (the refusal the state machine answered, or an Unavailable
   * one when replication could not complete).
   */
  public CompletableFuture<byte[]> propose(Command command) {
    return raft.write(command.encode())
        .thenApply(
            bytes -> {
              Reply reply = Reply.decode(bytes);
              if (!reply.ok()) {
                throw EtcdErrors.of(reply.error());
              }
              return reply.body();
            });
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
