package io.strata.server.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.Member;
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
import io.strata.server.apply.Command;
import io.strata.server.raft.RaftNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Cluster service over the Raft group: voters are members, Ratis listeners are learners.
 *
 * <p>MemberAdd records the new member (id from its peer URLs, learner or not) through Raft and
 * returns at once, as etcd does; the member becomes a Raft peer when it starts with {@code
 * --initial-cluster-state existing} and asks to join, and until then it is listed without a name.
 * MemberRemove and MemberPromote change the Raft configuration and answer once it is committed.
 * etcd's rules hold: at most one learner, a voter is added only while a quorum of the grown cluster
 * is running, only an in-sync learner is promoted, and the peer URLs of a member are unique.
 *
 * <p>MemberUpdate records a member's new peer URLs through Raft and answers at once, keeping the
 * member's id; member list shows the new URLs from then on, as in etcd. Unlike etcd, the Raft group
 * keeps reaching the member at its old address until the member restarts with the new {@code
 * --initial-advertise-peer-urls} (and {@code --listen-peer-urls}): it then recognises itself by its
 * data dir, checks that the cluster has its new URL and takes its new place in the group (see
 * {@code RaftNode.moveIfNeeded}). In etcd the other members dial the new URL at once, so the usual
 * order of operations, update and then restart, works the same with both.
 *
 * <p>What Ratis 3.2.2 cannot do, and why the move waits for the restart: it cannot give a running
 * peer a new address under the same Raft id. {@code setConfiguration} takes a change of address
 * alone for no change ({@code RaftConfigurationImpl.hasNoChange} compares ids and priorities), and
 * each server and client caches the first address it saw for an id for the life of its process
 * ({@code PeerProxyMap}). So the moved member takes a new Raft id for its new address ({@code
 * RaftNode.peerIdFor}), and a new id can only join once a process answers at its address: Ratis
 * stages a new peer until it has caught up. Consequences: a member cannot change its peer URL while
 * it keeps running, and until it restarts the cluster has one member fewer reachable only if the
 * old address has stopped working.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  /** etcd promotes a learner once its log has reached 90 % of the leader's. */
  private static final double PROMOTE_READY_FRACTION = 0.9;

  private final Members members;

  public ClusterService(Members members) {
    this.members = members;
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
    try {
      out.onNext(
          MemberListResponse.newBuilder()
              .setHeader(members.header(0))
              .addAllMembers(list())
              .build());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
    }
  }

  @Override
  public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> out) {
    Member added;
    try {
      List<String> urls = normalized(request.getPeerURLsList());
      long id = members.identity().idOfPeerUrls(urls);
      List<Member> current = list();
      // Ids derive from peer URLs, so the same URLs give the same id; etcd checks the id first.
      if (current.stream().anyMatch(m -> m.getID() == id)) {
        throw failedPrecondition("etcdserver: member ID already exist");
      }
      for (Member m : current) {
        for (String u : m.getPeerURLsList()) {
          if (urls.contains(u)) {
            throw failedPrecondition("etcdserver: Peer URLs already exists");
          }
        }
      }
      if (request.getIsLearner()) {
        if (current.stream().anyMatch(Member::getIsLearner)) {
          throw failedPrecondition("etcdserver: too many learner members in cluster");
        }
      } else {
        long voters = current.stream().filter(m -> !m.getIsLearner()).count();
        // Started: joined and published its attributes at least once (etcd counts the members
        // it has heard from). The grown cluster must still have a quorum of them.
        long started =
            current.stream().filter(m -> !m.getIsLearner() && m.getClientURLsCount() > 0).count();
        // etcd's one exception: growing a 1-member cluster (restoring from a backup) is allowed.
        boolean growingSingleMember = voters == 1 && started == 1;
        if (!growingSingleMember && started < (voters + 1) / 2 + 1) {
          throw failedPrecondition(
              "etcdserver: re-configuration failed due to not enough started members");
        }
      }
      added =
          Member.newBuilder()
              .setID(id)
              .addAllPeerURLs(urls)
              .setIsLearner(request.getIsLearner())
              .build();
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
      return;
    }
    members
        .propose(new Command.MemberAdd(added))
        .thenApply(
            ignored -> {
              // This member may not have applied the add yet (the leader answered the proposal).
              List<Member> all = new ArrayList<>(list());
              if (all.stream().noneMatch(m -> m.getID() == added.getID())) {
                all.add(added);
              }
              return MemberAddResponse.newBuilder()
                  .setHeader(members.header(0))
                  .setMember(added)
                  .addAllMembers(all)
                  .build();
            })
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }

  @Override
  public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> out) {
    CompletableFuture<?> change;
    try {
      Optional<RaftNode.Peer> peer = members.peerWithId(request.getID());
      // The MemberAdd and MemberUpdate records go too, whether the member joined or not, so that
      // it is neither listed as unstarted nor allowed to join or move again.
      Optional<Member> record =
          io.strata.server.apply.Members.added(members.store()).stream()
              .filter(m -> m.getID() == request.getID())
              .findFirst()
              .or(() -> io.strata.server.apply.Members.updated(members.store(), request.getID()));
      if (peer.isEmpty() && record.isEmpty()) {
        throw Status.NOT_FOUND.withDescription("etcdserver: member not found").asRuntimeException();
      }
      CompletableFuture<?> forget =
          record.isPresent()
              ? members.propose(new Command.MemberForget(record.get()))
              : CompletableFuture.completedFuture(null);
      change =
          peer.isEmpty()
              ? forget
              : forget.thenCompose(
                  ignored -> {
                    List<RaftNode.Peer> voters = new ArrayList<>();
                    List<RaftNode.Peer> learners = new ArrayList<>();
                    for (RaftNode.Peer p : members.raft().peers()) {
                      if (!p.id().equals(peer.get().id())) {
                        (p.learner() ? learners : voters).add(p);
                      }
                    }
                    if (voters.isEmpty()) {
                      throw failedPrecondition(
                          "etcdserver: re-configuration failed due to not enough started members");
                    }
                    return members.raft().reconfigure(voters, learners);
                  });
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
      return;
    }
    change
        .thenApply(
            ignored ->
                MemberRemoveResponse.newBuilder()
                    .setHeader(members.header(0))
                    .addAllMembers(list())
                    .build())
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }

  @Override
  public void memberPromote(
      MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> out) {
    CompletableFuture<Void> change;
    try {
      Optional<RaftNode.Peer> peer = members.peerWithId(request.getID());
      if (peer.isEmpty()) {
        if (pendingWithId(request.getID()).filter(Member::getIsLearner).isPresent()) {
          // Added but not started: nothing to be in sync with yet.
          throw failedPrecondition(
              "etcdserver: can only promote a learner member which is in sync with leader");
        }
        throw Status.NOT_FOUND.withDescription("etcdserver: member not found").asRuntimeException();
      }
      if (!peer.get().learner()) {
        throw failedPrecondition("etcdserver: can only promote a learner member");
      }
      if (!members.raft().isLeader()) {
        // Only the leader knows how far the learner's log is; clients retry on another member.
        throw Status.FAILED_PRECONDITION
            .withDescription("etcdserver: not leader")
            .asRuntimeException();
      }
      var committed = members.raft().commitIndexes();
      long leader = members.raft().commitIndex();
      long learner = committed.getOrDefault(peer.get().id(), 0L);
      if (learner < (long) (leader * PROMOTE_READY_FRACTION)) {
        throw failedPrecondition(
            "etcdserver: can only promote a learner member which is in sync with leader");
      }
      List<RaftNode.Peer> voters = new ArrayList<>();
      List<RaftNode.Peer> learners = new ArrayList<>();
      for (RaftNode.Peer p : members.raft().peers()) {
        if (p.id().equals(peer.get().id())) {
          voters.add(new RaftNode.Peer(p.id(), p.address(), false));
        } else {
          (p.learner() ? learners : voters).add(p);
        }
      }
      change = members.raft().reconfigure(voters, learners);
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
      return;
    }
    change
        .thenApply(
            ignored ->
                MemberPromoteResponse.newBuilder()
                    .setHeader(members.header(0))
                    .addAllMembers(list())
                    .build())
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }

  @Override
  public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> out) {
    Member updated;
    try {
      List<String> urls = normalized(request.getPeerURLsList());
      List<Member> current = list();
      if (current.stream().noneMatch(m -> m.getID() == request.getID())) {
        throw Status.NOT_FOUND.withDescription("etcdserver: member not found").asRuntimeException();
      }
      // etcd compares with the other members' peer URLs. A member that has not restarted since
      // its own update still holds its Raft address, so that counts as taken too.
      List<String> taken = new ArrayList<>();
      for (Member m : current) {
        if (m.getID() != request.getID()) {
          taken.addAll(m.getPeerURLsList());
        }
      }
      for (RaftNode.Peer p : members.raft().peers()) {
        if (members.idOf(p) != request.getID()) {
          taken.add("http://" + p.address());
        }
      }
      if (urls.stream().anyMatch(taken::contains)) {
        throw failedPrecondition("etcdserver: Peer URLs already exists");
      }
      updated = Member.newBuilder().setID(request.getID()).addAllPeerURLs(urls).build();
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
      return;
    }
    members
        .propose(new Command.MemberUpdate(updated))
        .thenApply(
            ignored -> {
              // As for MemberAdd, this member may not have applied the update yet.
              List<Member> all = new ArrayList<>();
              for (Member m : list()) {
                all.add(
                    m.getID() == updated.getID()
                        ? m.toBuilder()
                            .clearPeerURLs()
                            .addAllPeerURLs(updated.getPeerURLsList())
                            .build()
                        : m);
              }
              return MemberUpdateResponse.newBuilder()
                  .setHeader(members.header(0))
                  .addAllMembers(all)
                  .build();
            })
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }

  /**
   * The members: every Raft peer (with the name and client URLs it published), then the members
   * added but not yet joined, without a name, as etcd lists unstarted members. A member's peer URLs
   * are the ones MemberUpdate last gave it, else its Raft address (for an unstarted member, the
   * ones MemberAdd recorded).
   */
  private List<Member> list() {
    List<Member> out = new ArrayList<>();
    java.util.Set<Long> joined = new java.util.HashSet<>();
    for (RaftNode.Peer p : members.raft().peers()) {
      long id = members.idOf(p);
      joined.add(id);
      Member.Builder m =
          Member.newBuilder()
              .setID(id)
              .setName(p.name())
              .addAllPeerURLs(peerUrls(id, List.of("http://" + p.address())))
              .setIsLearner(p.learner());
      io.strata.server.apply.Members.published(members.store(), p.name())
          .ifPresent(published -> m.addAllClientURLs(published.getClientURLsList()));
      out.add(m.build());
    }
    for (Member a : io.strata.server.apply.Members.added(members.store())) {
      if (!joined.contains(a.getID())) {
        out.add(
            a.toBuilder()
                .clearPeerURLs()
                .addAllPeerURLs(peerUrls(a.getID(), a.getPeerURLsList()))
                .build());
      }
    }
    // etcd lists members by id.
    out.sort((x, y) -> Long.compareUnsigned(x.getID(), y.getID()));
    return out;
  }

  private List<String> peerUrls(long id, List<String> otherwise) {
    return io.strata.server.apply.Members.updated(members.store(), id)
        .<List<String>>map(Member::getPeerURLsList)
        .orElse(otherwise);
  }

  /** An added member that has not joined the Raft group yet. */
  private Optional<Member> pendingWithId(long id) {
    return list().stream().filter(m -> m.getID() == id && m.getName().isEmpty()).findFirst();
  }

  private static List<String> normalized(List<String> peerUrls) {
    if (peerUrls.isEmpty()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("etcdserver: member peer URLs are empty")
          .asRuntimeException();
    }
    List<String> out = new ArrayList<>();
    for (String u : peerUrls) {
      URI url;
      try {
        url = URI.create(u.trim());
      } catch (IllegalArgumentException e) {
        throw Status.INVALID_ARGUMENT
            .withDescription("etcdserver: invalid peer URL " + u)
            .asRuntimeException();
      }
      if (url.getHost() == null || url.getPort() < 0) {
        throw Status.INVALID_ARGUMENT
            .withDescription("etcdserver: invalid peer URL " + u)
            .asRuntimeException();
      }
      out.add("http://" + url.getHost() + ":" + url.getPort());
    }
    return out;
  }

  private static RuntimeException failedPrecondition(String message) {
    return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
  }
}
