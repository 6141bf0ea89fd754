package io.strata.server.raft;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;

/**
 * One move of a member to new peer URLs (see {@link RaftNode#moveIfNeeded}): checks that the
 * cluster has the new URL for member {@code memberId}, then swaps {@code old} for {@code self} in
 * the Raft configuration, compare-and-set against the configuration the cluster has so that a
 * concurrent change is never undone, retrying while the leader is busy with another change or
 * moves. Talks to the cluster through {@code mover}, a client to the other members.
 */
final class PeerMove {
  private final RaftClient mover;
  private final RaftPeer self;
  private final RaftPeerId old;
  private final long memberId;
  private final URI peerUrl;
  private final long timeoutMs;

  PeerMove(
      RaftClient mover, RaftPeer self, RaftPeerId old, long memberId, URI peerUrl, long timeoutMs) {
    this.mover = mover;
    this.self = self;
    this.old = old;
    this.memberId = memberId;
    this.peerUrl = peerUrl;
    this.timeoutMs = timeoutMs;
  }

  void run() throws IOException {
    confirm();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      Optional<RaftConfigurationProto> current = currentConf();
      if (current.isPresent()) {
        List<RaftPeer> voters = peersOf(current.get().getPeersList());
        List<RaftPeer> listeners = peersOf(current.get().getListenersList());
        if (contains(voters, self.getId()) || contains(listeners, self.getId())) {
          return; // an earlier attempt went through
        }
        if (!contains(voters, old) && !contains(listeners, old)) {
          throw new IOException(
              "the cluster no longer has " + old + " (removed?); cannot move it to " + peerUrl);
        }
        RaftClientReply reply =
            mover
                .admin()
                .setConfiguration(
                    SetConfigurationRequest.Arguments.newBuilder()
                        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                        .setServersInCurrentConf(voters)
                        .setListenersInCurrentConf(listeners)
                        .setServersInNewConf(replaced(voters))
                        .setListenersInNewConf(replaced(listeners))
                        .build());
        if (reply.isSuccess()) {
          return;
        }
        last = new IOException("moving in the Raft group failed", reply.getException());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    throw last != null ? last : new IOException("no leader answered while moving " + old);
  }

  /**
   * As etcd refuses a member whose URLs the cluster does not have: MemberUpdate must come first.
   */
  private void confirm() throws IOException {
    RaftClientReply found =
        mover.io().sendReadOnly(Message.valueOf(KvStateMachine.peerUrlsQuery(memberId)));
    if (!found.isSuccess()) {
      throw new IOException("cannot reach the cluster to move", found.getException());
    }
    var updated = KvStateMachine.parseAddedMember(found.getMessage());
    boolean confirmed =
        updated.isPresent()
            && updated.get().getPeerURLsList().stream()
                .map(URI::create)
                .anyMatch(u -> RaftNode.address(u).equalsIgnoreCase(RaftNode.address(peerUrl)));
    if (!confirmed) {
      throw new IOException(
          "member "
              + Long.toHexString(memberId)
              + " starts with peer URL "
              + peerUrl
              + " but the cluster has "
              + updated.map(m -> m.getPeerURLsList().toString()).orElse("its previous one")
              + "; change it first (etcdctl member update), or start with the previous one");
    }
  }

  /**
   * The current configuration as the member answering a linearizable read has it (the leader, or a
   * follower that has applied everything the leader had committed), if one answers. Ratis 3.2.2's
   * group info reply would be the natural source, but it leaves the configuration out.
   */
  private Optional<RaftConfigurationProto> currentConf() {
    try {
      RaftClientReply reply =
          mover.io().sendReadOnly(Message.valueOf(KvStateMachine.RAFT_CONF_QUERY));
      if (!reply.isSuccess()) {
        return Optional.empty();
      }
      return Optional.of(RaftConfigurationProto.parseFrom(reply.getMessage().getContent()));
    } catch (IOException e) {
      return Optional.empty(); // no leader right now: the caller asks again
    }
  }

  private static List<RaftPeer> peersOf(List<RaftPeerProto> ps) {
    return ps.stream()
        .map(
            p ->
                RaftPeer.newBuilder()
                    .setId(RaftPeerId.valueOf(p.getId()))
                    .setAddress(p.getAddress())
                    .setPriority(p.getPriority())
                    .build())
        .toList();
  }

  private static boolean contains(List<RaftPeer> peers, RaftPeerId id) {
    return peers.stream().anyMatch(p -> p.getId().equals(id));
  }

  private List<RaftPeer> replaced(List<RaftPeer> peers) {
    return peers.stream().map(p -> p.getId().equals(old) ? self : p).toList();
  }
}
