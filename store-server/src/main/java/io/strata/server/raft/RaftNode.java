package io.strata.server.raft;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.server.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis side of a member: the Raft server with its state machine, and the way commands get to
 * the leader. A write is submitted to the local server when it leads (no extra hop) and forwarded
 * through a Ratis client otherwise. Reads ask for a read index, which a follower gets from the
 * leader, and wait until it is applied locally.
 */
public final class RaftNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

  private final RaftPeerId id;
  private final RaftGroup group;
  private final RaftServer server;
  private final RaftClient client;
  private final KvStateMachine stateMachine;
  private final ClientId localClientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final long requestTimeoutMs;
  private final int electionTimeoutMs;

  private final Counter proposalsFailed;

  public RaftNode(
      ServerConfig config, KvStateMachine stateMachine, Path raftDir, MeterRegistry metrics)
      throws IOException {
    this.proposalsFailed =
        Counter.builder("etcd_server_proposals_failed_total")
            .description("The total number of failed proposals seen.")
            .register(metrics);
    this.stateMachine = stateMachine;
    this.id = RaftPeerId.valueOf(config.name());
    this.group =
        RaftGroup.valueOf(groupId(config.initialClusterToken()), peers(config.initialCluster()));
    URI listen = config.listenPeerUrls().get(0);
    RaftProperties properties =
        RatisProperties.of(config, raftDir, listen.getHost(), listen.getPort());
    this.requestTimeoutMs = Math.max(5000, 5L * config.electionTimeoutMs());
    this.electionTimeoutMs = config.electionTimeoutMs();
    boolean fresh =
        !java.nio.file.Files.exists(raftDir.resolve(group.getGroupId().getUuid().toString()));
    this.server =
        RaftServer.newBuilder()
            .setServerId(id)
            .setGroup(group)
            .setStateMachine(stateMachine)
            .setProperties(properties)
            .setOption(fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
            .build();
    this.client =
        RaftClient.newBuilder()
            .setRaftGroup(group)
            .setProperties(properties)
            .setLeaderId(id)
            .setRetryPolicy(
                RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                    (int) (requestTimeoutMs / 100),
                    TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
            .build();
  }

  /** All members derive the same group id from the cluster token. */
  static RaftGroupId groupId(String clusterToken) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(clusterToken.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<RaftPeer> peers(Map<String, List<URI>> cluster) {
    List<RaftPeer> peers = new ArrayList<>();
    cluster.forEach(
        (name, urls) -> {
          URI u = urls.get(0);
          peers.add(
              RaftPeer.newBuilder()
                  .setId(name)
                  .setAddress(u.getHost() + ":" + u.getPort())
                  .build());
        });
    return peers;
  }

  public void start() throws IOException {
    server.start();
    LOG.atInfo()
        .setMessage("raft member started")
        .addKeyValue("peers", group.getPeers().size())
        .log();
  }

  private RaftServer.Division division() {
    try {
      return server.getDivision(group.getGroupId());
    } catch (IOException e) {
      throw new RaftUnavailableException("etcdserver: server stopped", e);
    }
  }

  public boolean isLeader() {
    return division().getInfo().isLeader();
  }

  public long term() {
    return division().getInfo().getCurrentTerm();
  }

  /** The leader's member name, if one is known. */
  public Optional<String> leader() {
    RaftPeerId leader = division().getInfo().getLeaderId();
    return leader == null ? Optional.empty() : Optional.of(leader.toString());
  }

  public long commitIndex() {
    return division().getRaftLog().getLastCommittedIndex();
  }

  public long appliedIndex() {
    return division().getInfo().getLastAppliedIndex();
  }

  public String name() {
    return id.toString();
  }

  /** A member as Raft knows it: voters and learners (Ratis listeners) of the current conf. */
  public record Peer(String name, String address, boolean learner) {}

  public List<Peer> peers() {
    var conf = division().getRaftConf();
    List<Peer> out = new ArrayList<>();
    for (RaftPeer p : conf.getCurrentPeers()) {
      out.add(new Peer(p.getId().toString(), p.getAddress(), false));
    }
    for (RaftPeer p :
        conf.getCurrentPeers(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER)) {
      out.add(new Peer(p.getId().toString(), p.getAddress(), true));
    }
    return out;
  }

  /** Hands leadership to the named member; fails if this member does not lead. */
  public CompletableFuture<Void> transferLeadership(String target) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            RaftClientReply reply =
                client.admin().transferLeadership(RaftPeerId.valueOf(target), requestTimeoutMs);
            if (!reply.isSuccess()) {
              throw translate(reply.getException());
            }
          } catch (IOException e) {
            throw translate(e);
          }
        });
  }

  /** etcd's {@code --election-timeout} in milliseconds (the minimum lease TTL derives from it). */
  public int electionTimeoutMs() {
    return electionTimeoutMs;
  }

  /**
   * Replicates {@code command} and returns the state machine's reply once it is applied (on the
   * leader). Fails with {@link RaftUnavailableException} carrying etcd's message when there is no
   * leader or the request timed out.
   */
  public CompletableFuture<byte[]> write(byte[] command) {
    Message message = Message.valueOf(ByteString.copyFrom(command));
    CompletableFuture<RaftClientReply> reply;
    if (isLeader()) {
      reply = submitLocal(message, RaftClientRequest.writeRequestType());
    } else {
      reply = forward(message);
    }
    return reply
        .thenCompose(
            r -> {
              if (r.getException()
                  instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException) {
                // This new leader has not committed its first entry yet and refused the request
                // before appending it: send it on through the client, which finds the leader.
                return forward(message);
              }
              // A NotLeaderException is NOT resent: Ratis also answers it to requests a leader had
              // already appended when it stepped down, and the next leader may commit those
              // entries. Resending under a new call id applied such a command twice (a delete
              // that reported "deleted 0" after deleting the key; a CAS reported failed after it
              // succeeded). The client gets etcd's "leader changed", outcome unknown, and retries.
              return CompletableFuture.completedFuture(r);
            })
        .orTimeout(requestTimeoutMs, TimeUnit.MILLISECONDS)
        .handle(RaftNode::toBytes)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                proposalsFailed.increment();
              }
            });
  }

  /**
   * Sends a write to the leader through the Ratis client, unordered. etcd orders nothing between
   * concurrent requests, but Ratis's ordered async API ({@code client.async().send}) completes
   * replies strictly in submission order and caps the requests in flight: after the leader died,
   * every forwarded write waited behind the oldest one still being retried, and followers took up
   * to 2 s longer than the new leader to acknowledge writes again (ClusterIT; about 0.2 s
   * unordered). Unordered requests retry independently under the same retry policy and keep their
   * call id, so the leader's retry cache still applies each at most once. {@code UnorderedAsync} is
   * what Ratis's public {@code sendReadOnlyUnordered} uses; re-check it on a Ratis upgrade.
   */
  private CompletableFuture<RaftClientReply> forward(Message message) {
    return org.apache.ratis.client.impl.UnorderedAsync.send(
        RaftClientRequest.writeRequestType(),
        message,
        null,
        (org.apache.ratis.client.impl.RaftClientImpl) client);
  }

  /**
   * Completes once this member has applied everything committed before the call (a ReadIndex
   * barrier), after which a local read is linearizable.
   */
  public CompletableFuture<Void> readBarrier() {
    return submitLocal(Message.EMPTY, RaftClientRequest.readRequestType())
        .orTimeout(requestTimeoutMs, TimeUnit.MILLISECONDS)
        .handle(RaftNode::toBytes)
        .thenApply(b -> null);
  }

  private CompletableFuture<RaftClientReply> submitLocal(
      Message message, RaftClientRequest.Type type) {
    RaftClientRequest request =
        RaftClientRequest.newBuilder()
            .setClientId(localClientId)
            .setServerId(id)
            .setGroupId(group.getGroupId())
            .setCallId(callIds.incrementAndGet())
            .setMessage(message)
            .setType(type)
            .build();
    try {
      return server.submitClientRequestAsync(request);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static byte[] toBytes(RaftClientReply reply, Throwable error) {
    if (error != null) {
      Throwable cause =
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error;
      throw translate(cause);
    }
    if (!reply.isSuccess()) {
      throw translate(reply.getException());
    }
    return reply.getMessage().getContent().toByteArray();
  }

  private static RaftUnavailableException translate(Throwable cause) {
    if (cause instanceof java.util.concurrent.TimeoutException) {
      return new RaftUnavailableException("etcdserver: request timed out", cause);
    }
    if (cause instanceof NotLeaderException
        || cause instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException
        || cause instanceof org.apache.ratis.protocol.exceptions.ReadIndexException) {
      return new RaftUnavailableException("etcdserver: leader changed", cause);
    }
    if (cause instanceof org.apache.ratis.protocol.exceptions.RaftRetryFailureException) {
      return new RaftUnavailableException("etcdserver: no leader", cause);
    }
    if (cause instanceof org.apache.ratis.protocol.exceptions.AlreadyClosedException) {
      return new RaftUnavailableException("etcdserver: server stopped", cause);
    }
    return new RaftUnavailableException(
        "etcdserver: request timed out, possibly due to connection lost", cause);
  }

  @Override
  public void close() throws IOException {
    try {
      client.close();
    } finally {
      server.close();
    }
  }
}
