package io.strata.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.api.etcdserverpb.Member;
import io.strata.core.backend.BackendConfig;
import io.strata.core.kv.Event;
import io.strata.core.mvcc.MvccConfig;
import io.strata.core.schema.ColumnFamilies;
import io.strata.core.watch.WatchHub;
import io.strata.server.apply.Command;
import io.strata.server.compaction.AutoCompactor;
import io.strata.server.config.AutoCompaction;
import io.strata.server.config.LeaseConfig;
import io.strata.server.config.ServerConfig;
import io.strata.server.grpc.ClientServer;
import io.strata.server.grpc.MemberIdentity;
import io.strata.server.grpc.Members;
import io.strata.server.http.HttpEndpoint;
import io.strata.server.lease.LeaseExpirer;
import io.strata.server.raft.KvStateMachine;
import io.strata.server.raft.RaftNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member, wired: the store and its state machine, the Raft node, the gRPC server on the client
 * URLs and the HTTP endpoint on the metrics URLs. Only start and stop live here.
 *
 * <p>Data layout under {@code --data-dir}: {@code member/kv} is the live RocksDB store, {@code
 * member/raft} is Ratis's storage (log, metadata, snapshots).
 */
public final class StoreServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreServer.class);

  private final ServerConfig config;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final KvStateMachine stateMachine;
  private final RaftNode raft;

  /** This member's ids and address, written to the data dir once it has started with them. */
  private final LocalMember identity;

  private final Members members;
  private @Nullable ClientServer clientServer;
  private final List<HttpEndpoint> httpEndpoints = new ArrayList<>();
  private @Nullable AutoCompactor autoCompactor;
  private @Nullable LeaseExpirer leaseExpirer;
  private volatile @Nullable WatchHub watchHub;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "strata-timer");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean closed;

  private StoreServer(ServerConfig config, Runnable fatal) throws IOException {
    this.config = config;
    Path member = config.dataDir().resolve("member");
    Files.createDirectories(member);
    BackendConfig backend =
        new BackendConfig(
            member.resolve("kv"),
            ColumnFamilies.ALL,
            BackendConfig.DEFAULT_BLOCK_CACHE_BYTES,
            BackendConfig.DEFAULT_WRITE_BUFFER_BYTES,
            false,
            // The Raft log is the write-ahead log (see BackendConfig#walEnabled).
            false);
    MvccConfig mvcc =
        new MvccConfig(config.maxTxnOps(), MvccConfig.defaults().compactionBatchLimit());
    this.stateMachine =
        new KvStateMachine(member.resolve("kv"), backend, mvcc, this::publish, fatal, registry);
    MemberIdentity fromFlags =
        MemberIdentity.of(config.name(), config.initialCluster(), config.initialClusterToken());
    URI peerUrl = config.initialAdvertisePeerUrls().get(0);
    Optional<LocalMember> last = LocalMember.read(member);
    RaftNode.Self self;
    if (last.isEmpty()) {
      self = new RaftNode.Self(config.name(), null, fromFlags.memberId());
    } else if (sameAddress(last.get().peerUrl(), peerUrl)) {
      self = new RaftNode.Self(last.get().raftPeerId(), null, last.get().memberId());
    } else {
      // Restarted at another peer URL (after MemberUpdate): a new Raft id for the new address,
      // replacing the old one once the member has started (RaftNode#moveIfNeeded).
      long urlHash = fromFlags.idOfPeerUrls(List.of(peerUrl.toString()));
      self =
          new RaftNode.Self(
              RaftNode.peerIdFor(config.name(), urlHash),
              last.get().raftPeerId(),
              last.get().memberId());
    }
    this.identity =
        new LocalMember(
            last.map(LocalMember::clusterId).orElse(fromFlags.clusterId()),
            self.memberId(),
            self.peerId(),
            peerUrl);
    this.raft = new RaftNode(config, self, stateMachine, member.resolve("raft"), registry);
    this.members =
        new Members(
            new MemberIdentity(
                identity.clusterId(),
                identity.memberId(),
                fromFlags.memberIds(),
                fromFlags.token()),
            raft,
            stateMachine);
  }

  private static boolean sameAddress(URI a, URI b) {
    return String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
        && a.getPort() == b.getPort();
  }

  /**
   * Starts a member. {@code fatal} runs when the member can no longer write its disk and must stop
   * (the launcher exits the process).
   */
  public static StoreServer start(ServerConfig config, Runnable fatal) throws IOException {
    StoreServer s = new StoreServer(config, fatal);
    try {
      s.startAll();
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void startAll() throws IOException {
    raft.start();
    raft.moveIfNeeded();
    raft.joinIfNeeded();
    identity.write(config.dataDir().resolve("member"));
    // Watchers are served from what this member applies; the hub starts at the store's revision
    // and catches up from history for anything applied before it existed.
    watchHub =
        new WatchHub(members::store, Duration.ofMillis(100), config.watchProgressNotifyInterval());
    WatchHub hub = watchHub;
    if (hub == null) {
      throw new IllegalStateException("watch hub not started");
    }
    clientServer =
        new ClientServer(
            config.listenClientUrls(),
            members,
            hub,
            timer,
            config.maxRequestBytes(),
            config.maxTxnOps(),
            config.effectiveQuotaBytes(),
            snapshotsDir());
    timer.execute(this::publishAttributes);
    registerMetrics();
    autoCompactor =
        new AutoCompactor(
            AutoCompaction.parse(config.autoCompactionMode(), config.autoCompactionRetention()),
            raft,
            members::store);
    leaseExpirer = new LeaseExpirer(LeaseConfig.defaults(), raft, stateMachine.lessor());
    for (URI url : config.listenMetricsUrls()) {
      httpEndpoints.add(new HttpEndpoint(url, registry, this::unhealthyReason));
    }
    LOG.atInfo()
        .setMessage("ready to serve client requests")
        .addKeyValue("member", config.name())
        .addKeyValue("client-urls", config.listenClientUrls())
        .log();
  }

  private void registerMetrics() {
    Gauge.builder("etcd_server_has_leader", () -> raft.leader().isPresent() ? 1 : 0)
        .description("Whether or not a leader exists. 1 is existence, 0 is not.")
        .register(registry);
    Gauge.builder("etcd_server_is_leader", () -> raft.isLeader() ? 1 : 0).register(registry);
    Gauge.builder("etcd_mvcc_db_total_size_in_bytes", () -> members.store().sizeBytes())
        .register(registry);
    Gauge.builder("etcd_mvcc_db_total_size_in_use_in_bytes", () -> members.store().sizeInUseBytes())
        .register(registry);
    Gauge.builder("etcd_server_quota_backend_bytes", config::effectiveQuotaBytes)
        .register(registry);
    Gauge.builder("etcd_debugging_mvcc_current_revision", () -> members.store().currentRevision())
        .register(registry);
    Gauge.builder("etcd_debugging_mvcc_compact_revision", () -> members.store().compactRevision())
        .register(registry);
    // Counters: Micrometer's Prometheus naming adds etcd's "_total" suffix.
    FunctionCounter.builder("etcd_server_proposals_committed", raft, RaftNode::commitIndex)
        .description("The total number of consensus proposals committed.")
        .register(registry);
    FunctionCounter.builder("etcd_server_proposals_applied", raft, RaftNode::appliedIndex)
        .description("The total number of consensus proposals applied.")
        .register(registry);
    Gauge.builder(
            "etcd_server_proposals_pending",
            () -> Math.max(0, raft.commitIndex() - raft.appliedIndex()))
        .register(registry);
  }

  /** Null when healthy; else why not (etcd's /health semantics: a leader and a readable store). */
  private @Nullable String unhealthyReason() {
    if (closed) {
      return "server stopped";
    }
    if (!raft.running()) {
      return "raft server not running";
    }
    if (raft.leader().isEmpty()) {
      return "no leader";
    }
    try {
      var alarms = io.strata.server.apply.Alarms.list(members.store());
      if (!alarms.isEmpty()) {
        return "ALARM " + alarms.get(0).getAlarm();
      }
    } catch (RuntimeException e) {
      return "store unavailable";
    }
    try {
      members.store().currentRevision();
      raft.readBarrier().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      return "linearizable read failed";
    }
    return null;
  }

  /**
   * Waits until the member sees a leader and can serve a linearizable read, for at most {@code
   * timeout}.
   *
   * @throws IllegalStateException if it could not within the timeout
   */
  public void awaitLeader(java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (raft.leader().isPresent()) {
        try {
          raft.readBarrier().get(1, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          // not ready yet: election or leader change in progress
        }
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new IllegalStateException("no leader after " + timeout);
  }

  /** {@link #awaitLeader(java.time.Duration)} with 30 seconds. */
  public void awaitLeader() {
    awaitLeader(java.time.Duration.ofSeconds(30));
  }

  /**
   * Announces this member's name and client URLs through Raft so that MemberList can show them on
   * every member, retrying until a leader accepts it (etcd publishes its attributes likewise).
   */
  private void publishAttributes() {
    try {
      tryPublishAttributes();
    } catch (RuntimeException e) {
      LOG.atWarn().setMessage("publishing member attributes failed; will retry").setCause(e).log();
      timer.schedule(this::publishAttributes, 1, TimeUnit.SECONDS);
    }
  }

  private void tryPublishAttributes() {
    if (closed) {
      return;
    }
    Member self =
        Member.newBuilder()
            .setID(members.identity().memberId())
            .setName(config.name())
            .addAllPeerURLs(config.peerUrls().stream().map(URI::toString).toList())
            .addAllClientURLs(config.advertiseClientUrls().stream().map(URI::toString).toList())
            .build();
    var published = io.strata.server.apply.Members.published(members.store(), config.name());
    if (published.isPresent() && published.get().equals(self)) {
      return;
    }
    raft.write(new Command.Publish(self).encode())
        .whenComplete(
            (r, e) -> {
              if (e != null && !closed) {
                LOG.atDebug().setMessage("publishing member attributes failed").setCause(e).log();
                timer.schedule(this::publishAttributes, 1, TimeUnit.SECONDS);
              }
            });
  }

  /** Hands the events of each applied batch to the watchers (apply thread; never blocks). */
  private void publish(List<Event> events) {
    WatchHub hub = watchHub;
    if (hub != null) {
      hub.notify(events);
    }
  }

  /** Where Maintenance.Snapshot makes its checkpoints: beside the store, emptied at start. */
  private java.nio.file.Path snapshotsDir() throws IOException {
    java.nio.file.Path dir = config.dataDir().resolve("member").resolve("snapshots");
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder())
            .filter(p -> !p.equals(dir))
            .forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dir);
    return dir;
  }

  public Members members() {
    return members;
  }

  /** The port of the first client URL (useful when it was 0). */
  public int clientPort() {
    ClientServer c = clientServer;
    if (c == null) {
      throw new IllegalStateException("not started");
    }
    return c.port();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (autoCompactor != null) {
      autoCompactor.close();
    }
    if (leaseExpirer != null) {
      leaseExpirer.close();
    }
    for (HttpEndpoint h : httpEndpoints) {
      h.close();
    }
    if (clientServer != null) {
      clientServer.close();
    }
    WatchHub hub = watchHub;
    if (hub != null) {
      hub.close();
    }
    timer.shutdownNow();
    try {
      raft.close();
    } catch (IOException e) {
      LOG.atWarn().setMessage("raft close failed").setCause(e).log();
    }
    LOG.atInfo().setMessage("member stopped").addKeyValue("member", config.name()).log();
  }
}
