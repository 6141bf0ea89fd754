package io.strata.server.grpc;

import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.core.mvcc.MvccStore;
import io.strata.server.apply.Command;
import io.strata.server.apply.Reply;
import io.strata.server.raft.KvStateMachine;
import io.strata.server.raft.RaftNode;
import java.util.List;
import java.util.Optional;
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

  /**
   * The etcd member id of a Raft peer. It is fixed when the member first starts and survives a move
   * to new peer URLs, whose new Raft id and address say nothing of it: the id the member published,
   * else the one {@code --initial-cluster} gives its name, else the one MemberAdd or MemberUpdate
   * recorded for its address, else the hash of its address (a member nobody recorded).
   */
  public long idOf(RaftNode.Peer p) {
    MvccStore store = store();
    var published = io.strata.server.apply.Members.published(store, p.name());
    if (published.isPresent() && published.get().getID() != 0) {
      return published.get().getID();
    }
    Long initial = identity.memberIds().get(p.name());
    if (initial != null) {
      return initial;
    }
    String url = "http://" + p.address();
    for (var recorded :
        List.of(
            io.strata.server.apply.Members.added(store),
            io.strata.server.apply.Members.updated(store))) {
      for (var m : recorded) {
        if (m.getPeerURLsList().contains(url)) {
          return m.getID();
        }
      }
    }
    return identity.idOfPeerUrls(List.of(url));
  }

  /** The Raft peer of the member with etcd id {@code id}, if it is in the group. */
  public Optional<RaftNode.Peer> peerWithId(long id) {
    return raft.peers().stream().filter(p -> idOf(p) == id).findFirst();
  }

  /** The etcd id of the leader, or 0 when there is none (etcd's Status.leader). */
  public long leaderId() {
    Optional<String> leader = raft.leader();
    if (leader.isEmpty()) {
      return 0;
    }
    return raft.peers().stream()
        .filter(p -> p.id().equals(leader.get()))
        .findFirst()
        .map(this::idOf)
        .orElseGet(() -> identity.idOf(RaftNode.memberName(leader.get())));
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
