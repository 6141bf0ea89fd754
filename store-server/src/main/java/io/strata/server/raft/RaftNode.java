package io.strata.server.raft;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.server.apply.CommandBatch;
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
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.jspecify.annotations.Nullable;
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
  private final RaftProperties properties;

  /** Set for {@code --initial-cluster-state existing}: join the running group after starting. */
  private final boolean joining;

  /** This member's peer URL, as MemberAdd recorded it. */
  private final URI peerUrl;

  private final int electionTimeoutMs;

  private final Counter proposalsFailed;

  /**
   * KV entries proposed at a time before writes wait to share one (see {@link ProposalBatcher}).
   * The property is for benchmarks, not a supported setting.
   */
  static final String BATCH_IN_FLIGHT_PROPERTY = "strata.batch.in-flight";

  private static final int DEFAULT_BATCH_IN_FLIGHT = 1;
  private static final int MAX_BATCH_COMMANDS = 1024;

  /**
   * The longest an entry waits for the writers of the previous one to come back ({@link
   * ProposalBatcher}'s linger), in microseconds; 0 turns lingering off. For benchmarks, not a
   * supported setting.
   */
  static final String BATCH_LINGER_PROPERTY = "strata.batch.linger-us";

  /**
   * The default linger: a loopback client answered on a busy 2-core machine came back within a
   * millisecond; 300 us was too short (the lingers timed out) and 2 ms no better than 1 ms.
   */
  private static final long DEFAULT_BATCH_LINGER_US = 1000;

  /**
   * Entries expected to carry more writes than this never linger: they already share an entry's
   * cost widely, and with 256 clients lingering idled the cluster while replies went out (13,056
   * and 15,454 writes/s against about 17,000).
   */
  private static final int BATCH_LINGER_MAX_WRITES = 32;

  private final ProposalBatcher batcher;
  private final ScheduledThreadPoolExecutor batchTimer;

  /**
   * Who this member is in the Raft group: {@code peerId} is its Raft peer id now (see {@link
   * #peerIdFor}); {@code previousPeerId}, when set, is the id it had at its previous peer URL,
   * which {@link #moveIfNeeded} replaces; {@code memberId} is its etcd member id, which never
   * changes.
   */
  public record Self(String peerId, @Nullable String previousPeerId, long memberId) {}

  /** The Raft id this member had at its previous peer URL, when it restarted at a new one. */
  private final @Nullable String previousPeerId;

  private final long memberId;

  public RaftNode(
      ServerConfig config,
      Self self,
      KvStateMachine stateMachine,
      Path raftDir,
      MeterRegistry metrics)
      throws IOException {
    this.proposalsFailed =
        Counter.builder("etcd_server_proposals_failed_total")
            .description("The total number of failed proposals seen.")
            .register(metrics);
    this.stateMachine = stateMachine;
    this.id = RaftPeerId.valueOf(self.peerId());
    this.previousPeerId = self.previousPeerId();
    this.memberId = self.memberId();
    this.peerUrl = config.initialAdvertisePeerUrls().get(0);
    this.group =
        RaftGroup.valueOf(
            groupId(config.initialClusterToken()),
            peers(config.initialCluster(), config.name(), id, peerUrl));
    URI listen = config.listenPeerUrls().get(0);
    this.properties = RatisProperties.of(config, raftDir, listen.getHost(), listen.getPort());
    this.joining = config.initialClusterState().equals("existing");
    this.requestTimeoutMs = Math.max(5000, 5L * config.electionTimeoutMs());
    this.electionTimeoutMs = config.electionTimeoutMs();
    this.batchTimer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, config.name() + "-batch-linger");
              t.setDaemon(true);
              return t;
            });
    batchTimer.setRemoveOnCancelPolicy(true);
    this.batcher =
        new ProposalBatcher(
            this::propose,
            Integer.getInteger(BATCH_IN_FLIGHT_PROPERTY, DEFAULT_BATCH_IN_FLIGHT),
            config.maxRequestBytes(),
            MAX_BATCH_COMMANDS,
            TimeUnit.MICROSECONDS.toNanos(
                Long.getLong(BATCH_LINGER_PROPERTY, DEFAULT_BATCH_LINGER_US)),
            BATCH_LINGER_MAX_WRITES,
            batchTimer,
            System::nanoTime);
    Path groupDir = raftDir.resolve(group.getGroupId().getUuid().toString());
    boolean fresh = !java.nio.file.Files.exists(groupDir);
    if (!fresh) {
      // Ratis 3.2.2 cannot append after a snapshot ahead of the whole log (StaleLogCleaner).
      StaleLogCleaner.dropLogBehindSnapshot(
          groupDir, RaftServerConfigKeys.Log.Appender.bufferByteLimit(properties));
    }
    this.server =
        RaftServer.newBuilder()
            .setServerId(id)
            // A member joining a running cluster starts with the group's id but no peers, so that
            // it neither campaigns nor counts in anybody's quorum before the leader adds it
            // (ratis.md §5.2); restarting later, it recovers the configuration from its log.
            .setGroup(joining && fresh ? RaftGroup.valueOf(group.getGroupId()) : group)
            .setStateMachine(stateMachine)
            .setProperties(properties)
            .setOption(fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
            .build();
    this.client =
        RaftClient.newBuilder()
            .setRaftGroup(group)
            .setProperties(properties)
            .setLeaderId(id)
            .setRetryPolicy(retryPolicy())
            .build();
  }

  /** Separates a member's name from the hash of its peer URL in a moved member's Raft id. */
  private static final java.util.regex.Pattern MOVED_ID =
      java.util.regex.Pattern.compile("(.+)~[0-9a-f]{16}");

  /**
   * The Raft peer id of member {@code name} at a peer URL other than the one it first had: the
   * name, {@code ~}, and {@code urlHash} (the etcd-style hash of the URL) in 16 hex digits. A
   * member keeps its plain name as Raft id until it moves.
   *
   * <p>Why a new id per address: Ratis 3.2.2 cannot move a peer to a new address under the same id.
   * {@code setConfiguration} takes a change of address alone for no change at all ({@code
   * RaftConfigurationImpl.hasNoChange} compares ids and priorities only), and even a configuration
   * that carried the new address would not reach the running members: each server's and client's
   * {@code PeerProxyMap} keeps the first address it saw for an id for the life of the process
   * ({@code computeIfAbsent}, and {@code resetProxy} reconnects to that same address). With one id
   * per address, every cached proxy stays right.
   */
  public static String peerIdFor(String name, long urlHash) {
    return name + "~" + String.format("%016x", urlHash);
  }

  /** The member name in a Raft peer id ({@link #peerIdFor}). */
  public static String memberName(String peerId) {
    var m = MOVED_ID.matcher(peerId);
    return m.matches() ? m.group(1) : peerId;
  }

  /** All members derive the same group id from the cluster token. */
  static RaftGroupId groupId(String clusterToken) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(clusterToken.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The peers {@code --initial-cluster} names, with this member ({@code name}) under its Raft id at
   * its advertised peer URL, which differ from the flags' entry once it has moved.
   */
  private static List<RaftPeer> peers(
      Map<String, List<URI>> cluster, String name, RaftPeerId self, URI selfUrl) {
    List<RaftPeer> peers = new ArrayList<>();
    cluster.forEach(
        (member, urls) -> {
          boolean isSelf = member.equals(name);
          URI u = isSelf ? selfUrl : urls.get(0);
          peers.add(
              RaftPeer.newBuilder()
                  .setId(isSelf ? self : RaftPeerId.valueOf(member))
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

  /**
   * Whether this member's Raft server runs. Ratis closes it on its own after a failure it cannot
   * recover from (a log write it cannot make, an apply that throws), while the process, and with it
   * the client API, stays up: such a member serves only local reads, and stale ones.
   */
  public boolean running() {
    try {
      return division().getInfo().isAlive();
    } catch (RaftUnavailableException e) {
      return false;
    }
  }

  public boolean isLeader() {
    return division().getInfo().isLeader();
  }

  /**
   * Whether this member is a learner (a Ratis listener) in the configuration it knows; false once
   * the server is closed.
   */
  public boolean isLearner() {
    try {
      // The configuration, not the division's role: a member that joined as a listener holds the
      // follower role Ratis gave it outside the group until it applies its join (LearnerFixes).
      var conf = division().getRaftConf();
      return conf.getPeer(id, org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER) != null
          && conf.getPeer(id, org.apache.ratis.proto.RaftProtos.RaftPeerRole.FOLLOWER) == null;
    } catch (RaftUnavailableException e) {
      return false;
    }
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
  public record Peer(String id, String address, boolean learner) {
    /** The member's name (its Raft id without the suffix a move adds, see {@link #peerIdFor}). */
    public String name() {
      return memberName(id);
    }
  }

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

  /**
   * For {@code --initial-cluster-state existing}: unless the group already lists this member (a
   * restart after joining), asks the running members, named by {@code --initial-cluster}, to add
   * it, as the voter or learner that MemberAdd recorded for its peer URL. The leader first catches
   * the new member up (Ratis stages it), then commits the new configuration. Fails if MemberAdd
   * never named this peer URL, as etcd refuses an unknown member.
   */
  public void joinIfNeeded() throws IOException {
    if (!joining || previousPeerId != null || inConf(id)) {
      return;
    }
    List<RaftPeer> others = group.getPeers().stream().filter(p -> !p.getId().equals(id)).toList();
    if (others.isEmpty()) {
      throw new IOException("--initial-cluster names no running member to join");
    }
    RaftPeer self = RaftPeer.newBuilder().setId(id).setAddress(address(peerUrl)).build();
    try (RaftClient joiner = newClient(others)) {
      RaftClientReply found =
          joiner.io().sendReadOnly(Message.valueOf(KvStateMachine.addedMemberQuery(peerUrl)));
      if (!found.isSuccess()) {
        throw new IOException("cannot reach the cluster to join", found.getException());
      }
      var added = KvStateMachine.parseAddedMember(found.getMessage());
      if (added.isEmpty()) {
        throw new IOException(
            "member "
                + id
                + " with peer URL "
                + peerUrl
                + " was not added to the cluster; add it first (etcdctl member add)");
      }
      var args =
          org.apache.ratis.protocol.SetConfigurationRequest.Arguments.newBuilder()
              .setMode(org.apache.ratis.protocol.SetConfigurationRequest.Mode.ADD);
      // Ratis copies both lists, so neither may be left unset.
      boolean learner = added.get().getIsLearner();
      args.setServersInNewConf(learner ? List.of() : List.of(self));
      args.setListenersInNewConf(learner ? List.of(self) : List.of());
      RaftClientReply reply = joiner.admin().setConfiguration(args.build());
      if (!reply.isSuccess()) {
        throw new IOException("joining the cluster failed", reply.getException());
      }
      LOG.atInfo()
          .setMessage("joined the cluster")
          .addKeyValue("learner", added.get().getIsLearner())
          .log();
    }
  }

  /**
   * For a member restarted at a new peer URL: replaces its Raft peer at the old address ({@code
   * previousPeerId}) with itself under its new id at the new address, keeping its role, once the
   * cluster confirms that MemberUpdate gave this member that URL (as etcd refuses a member whose
   * URLs the cluster does not have). Nothing to do when the member did not move or the group
   * already lists it (a restart after the move).
   *
   * <p>The member keeps its log and store, so the leader only sends what it missed while it was
   * down before committing the new configuration. One configuration change replaces the peer: the
   * old and new configurations differ in this member alone, and the old peer is this very process,
   * down since, so it neither acknowledges nor votes again, and the data it acknowledged is still
   * on this disk.
   */
  public void moveIfNeeded() throws IOException {
    String previous = previousPeerId;
    if (previous == null || inConf(id)) {
      return;
    }
    RaftPeerId old = RaftPeerId.valueOf(previous);
    List<RaftPeer> others = new ArrayList<>();
    var conf = division().getRaftConf();
    for (var role :
        List.of(
            org.apache.ratis.proto.RaftProtos.RaftPeerRole.FOLLOWER,
            org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER)) {
      conf.getCurrentPeers(role).stream()
          .filter(p -> !p.getId().equals(old) && !p.getId().equals(id))
          .forEach(others::add);
    }
    if (others.isEmpty()) {
      throw new IOException(
          "member " + previous + " moved to " + peerUrl + " but knows no other member to tell");
    }
    RaftPeer self = RaftPeer.newBuilder().setId(id).setAddress(address(peerUrl)).build();
    try (RaftClient mover = newClient(others)) {
      new PeerMove(mover, self, old, memberId, peerUrl, 6 * requestTimeoutMs).run();
    }
    LOG.atInfo()
        .setMessage("moved to a new peer URL")
        .addKeyValue("peer-url", peerUrl)
        .addKeyValue("raft-id", id)
        .addKeyValue("previous-raft-id", previous)
        .log();
  }

  private boolean inConf(RaftPeerId peer) {
    var conf = division().getRaftConf();
    return conf.getPeer(
            peer,
            org.apache.ratis.proto.RaftProtos.RaftPeerRole.FOLLOWER,
            org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER)
        != null;
  }

  static String address(URI url) {
    return url.getHost() + ":" + url.getPort();
  }

  /**
   * Replaces the group's configuration: {@code voters} vote, {@code learners} (Ratis listeners)
   * only replicate. Sent through the current leader; new voters are caught up before the change
   * commits. Completes when the new configuration is committed.
   */
  public CompletableFuture<Void> reconfigure(List<Peer> voters, List<Peer> learners) {
    return CompletableFuture.runAsync(
        () -> {
          var conf = division().getRaftConf();
          List<RaftPeer> current = new ArrayList<>(conf.getCurrentPeers());
          current.addAll(
              conf.getCurrentPeers(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER));
          try (RaftClient admin = newClient(current)) {
            RaftClientReply reply =
                admin
                    .admin()
                    .setConfiguration(
                        org.apache.ratis.protocol.SetConfigurationRequest.Arguments.newBuilder()
                            .setServersInNewConf(voters.stream().map(RaftNode::toPeer).toList())
                            .setListenersInNewConf(learners.stream().map(RaftNode::toPeer).toList())
                            .build());
            if (!reply.isSuccess()) {
              throw translate(reply.getException());
            }
          } catch (IOException e) {
            throw translate(e);
          }
        });
  }

  /**
   * A Ratis client to this group through {@code peers}, retrying like the member's own client: for
   * the members a joining member knows, or the current configuration after changes to it.
   */
  private RaftClient newClient(List<RaftPeer> peers) {
    return RaftClient.newBuilder()
        .setRaftGroup(RaftGroup.valueOf(group.getGroupId(), peers))
        .setProperties(properties)
        .setRetryPolicy(retryPolicy())
        .build();
  }

  private org.apache.ratis.retry.RetryPolicy retryPolicy() {
    return RetryPolicies.retryUpToMaximumCountWithFixedSleep(
        (int) (requestTimeoutMs / 100), TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
  }

  private static RaftPeer toPeer(Peer p) {
    return RaftPeer.newBuilder().setId(p.id()).setAddress(p.address()).build();
  }

  /**
   * How far each member's log is committed, as this member knows it (on the leader: every
   * member's), by name; used to refuse promoting a learner that has not caught up.
   */
  public Map<String, Long> commitIndexes() {
    Map<String, Long> out = new java.util.HashMap<>();
    for (var info : division().getCommitInfos()) {
      out.put(info.getServer().getId().toStringUtf8(), info.getCommitIndex());
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
    CompletableFuture<byte[]> reply =
        CommandBatch.batchable(command) ? batcher.submit(command) : propose(command);
    return reply.whenComplete(
        (r, e) -> {
          if (e != null) {
            proposalsFailed.increment();
          }
        });
  }

  /** Replicates one log entry: see {@link #write}. */
  private CompletableFuture<byte[]> propose(byte[] command) {
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
        .thenCompose(this::appliedHere)
        .orTimeout(requestTimeoutMs, TimeUnit.MILLISECONDS)
        .handle(RaftNode::toBytes);
  }

  /**
   * The reply once this member has applied the write too (at once on the leader, which replies
   * after applying): etcd answers a client only after the member it talks to applied its request.
   */
  private CompletableFuture<RaftClientReply> appliedHere(RaftClientReply r) {
    if (!r.isSuccess() || r.getLogIndex() <= 0) {
      return CompletableFuture.completedFuture(r);
    }
    return stateMachine.awaitApplied(r.getLogIndex()).thenApply(ignored -> r);
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
      // The division itself, not RaftServerProxy: the proxy hands every request to Ratis's client
      // thread pool first, a thread hop that cost as much CPU as applying the write (profiled
      // under a put load). Appending to the log is short and never waits for the disk, so it can
      // run on the caller's thread, which for writes is the gRPC transport thread.
      return ((RaftClientAsynchronousProtocol) division()).submitClientRequestAsync(request);
    } catch (IOException | RaftUnavailableException e) {
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
    LOG.atDebug().setMessage("unexpected Ratis failure").setCause(cause).log();
    return new RaftUnavailableException(
        "etcdserver: request timed out, possibly due to connection lost", cause);
  }

  @Override
  public void close() throws IOException {
    try {
      client.close();
    } finally {
      try {
        server.close();
      } finally {
        batchTimer.shutdownNow();
      }
    }
  }
}
