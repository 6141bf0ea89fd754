package io.strata.server.raft;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.strata.core.backend.BackendConfig;
import io.strata.core.backend.rocksdb.RocksBackend;
import io.strata.core.failpoint.FailPoints;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Event;
import io.strata.core.lease.Lessor;
import io.strata.core.mvcc.MvccConfig;
import io.strata.core.mvcc.MvccStore;
import io.strata.core.schema.ColumnFamilies;
import io.strata.core.time.SystemClock;
import io.strata.server.apply.CommandApplier;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.impl.LearnerFixes;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated state machine of a member.
 *
 * <ul>
 *   <li>{@link #applyTransaction}: every committed write command (Put, DeleteRange, Txn, Compact,
 *       Alarm, and the lease commands, which also update the {@link #lessor()}), applied in log
 *       order on Ratis's single apply thread as one store write that records the entry's (term,
 *       index). Entries at or below the store's recorded index were applied before a restart and
 *       are skipped, so replay is idempotent.
 *   <li>{@link #query}: the read barrier. Ratis calls it once the read index is applied, which is
 *       all a linearizable read needs; the read itself runs on the caller's thread.
 *   <li>{@link #takeSnapshot}: a RocksDB checkpoint of the live store in {@code sm/}; {@link
 *       #reinitialize} rebuilds the live store from a checkpoint a leader sent.
 * </ul>
 *
 * <p>The live database lives in {@code dbDir}, outside Ratis's directories, because Ratis replaces
 * {@code sm/} wholesale when it installs a snapshot.
 */
public final class KvStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);

  /** etcd warns about applies slower than 100 ms. */
  private static final long SLOW_APPLY_NANOS = 100_000_000L;

  private final Path dbDir;
  private final BackendConfig backendTemplate;
  private final MvccConfig mvccConfig;
  private final Consumer<List<Event>> events;
  private final Runnable fatal;
  private final SnapshotStore snapshots = new SnapshotStore();

  /** The lease table; reloaded from the store whenever the store is (re)opened. */
  private final Lessor lessor = new Lessor(SystemClock.INSTANCE);

  private final Counter leaderChanges;
  private final Counter slowApplies;
  private final Timer applyDuration;

  private volatile @Nullable MvccStore store;
  private volatile @Nullable CommandApplier applier;

  /**
   * @param events receives the events of each applied write, on the apply thread
   * @param fatal called when the store cannot be written: the member must stop, not diverge
   */
  public KvStateMachine(
      Path dbDir,
      BackendConfig backendTemplate,
      MvccConfig mvccConfig,
      Consumer<List<Event>> events,
      Runnable fatal,
      MeterRegistry metrics) {
    this.dbDir = dbDir;
    this.backendTemplate = backendTemplate;
    this.mvccConfig = mvccConfig;
    this.events = events;
    this.fatal = fatal;
    this.leaderChanges =
        Counter.builder("etcd_server_leader_changes_seen_total")
            .description("The number of leader changes seen.")
            .register(metrics);
    this.slowApplies =
        Counter.builder("etcd_server_slow_apply_total")
            .description(
                "The total number of slow apply requests (likely overloaded from slow disk).")
            .register(metrics);
    // One apply is one RocksDB write batch: etcd's backend commit.
    this.applyDuration =
        Timer.builder("etcd_disk_backend_commit_duration_seconds")
            .description("The latency distributions of commit called by backend.")
            .publishPercentileHistogram()
            .register(metrics);
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    leaderChanges.increment();
    LOG.atInfo().setMessage("leader changed").addKeyValue("leader", newLeaderId).log();
  }

  /**
   * Works around Ratis's handling of learners that joined while running (see {@link LearnerFixes}):
   * the leader counts every member of the new configuration as caught up, and a learner takes the
   * listener role.
   */
  @Override
  public void notifyConfigurationChanged(
      long term, long index, RaftConfigurationProto newRaftConfiguration) {
    RaftServer server = getServer().getNow(null);
    if (server == null) {
      return;
    }
    try {
      RaftServer.Division division = server.getDivision(getGroupId());
      int marked = LearnerFixes.markMembersCaughtUp(division);
      boolean listener = LearnerFixes.adoptListenerRole(division);
      if (marked > 0 || listener) {
        LOG.atInfo()
            .setMessage("configuration applied")
            .addKeyValue("index", index)
            .addKeyValue("members-counted-caught-up", marked)
            .addKeyValue("became-listener", listener)
            .log();
      }
    } catch (IOException e) {
      // The division is closing; a restart starts every member in its proper state.
      LOG.atDebug().setMessage("no division to fix learners").setCause(e).log();
    }
  }

  /** The member's store; reads may use it directly. */
  public MvccStore store() {
    MvccStore s = store;
    if (s == null) {
      throw new io.strata.core.BackendException(
          "the store is not open (starting or installing a snapshot)");
    }
    return s;
  }

  /** The member's lease table (replicated part applied here; deadlines local to this member). */
  public Lessor lessor() {
    return lessor;
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    getLifeCycle()
        .startAndTransition(
            () -> {
              snapshots.init(raftStorage);
              openStore();
            },
            IOException.class);
  }

  private void openStore() throws IOException {
    var snapshot = snapshots.getLatestSnapshot();
    MvccStore opened = open();
    if (snapshot != null && opened.appliedIndex().index() < snapshot.getIndex()) {
      // The live store is behind the newest snapshot (unsynced writes lost, log purged):
      // rebuild it from the snapshot rather than serve from a gap.
      LOG.atWarn()
          .setMessage("live store behind snapshot; restoring from snapshot")
          .addKeyValue("applied-index", opened.appliedIndex().index())
          .addKeyValue("snapshot-index", snapshot.getIndex())
          .log();
      opened.close();
      restoreFrom(snapshots.latestDir());
      opened = open();
    }
    AppliedIndex applied = opened.appliedIndex();
    TermIndex start =
        snapshot != null && snapshot.getIndex() > applied.index()
            ? snapshot.getTermIndex()
            : TermIndex.valueOf(applied.term(), applied.index());
    setLastAppliedTermIndex(start);
    lessor.recover(opened);
    applier = new CommandApplier(opened, lessor, events);
    store = opened;
  }

  private MvccStore open() {
    BackendConfig c = backendTemplate;
    return MvccStore.open(
        RocksBackend.open(
            new BackendConfig(
                dbDir,
                ColumnFamilies.ALL,
                c.blockCacheBytes(),
                c.writeBufferBytes(),
                c.syncWrites(),
                c.walEnabled())),
        mvccConfig,
        lessor::exists);
  }

  /** Replaces the live database with a copy of a checkpoint (hard links where possible). */
  private void restoreFrom(@Nullable Path checkpoint) throws IOException {
    if (checkpoint == null) {
      throw new IOException("no snapshot to restore from");
    }
    SnapshotStore.deleteRecursively(dbDir);
    Files.createDirectories(dbDir);
    try (Stream<Path> files = Files.list(checkpoint)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = dbDir.resolve(f.getFileName().toString());
        if (f.getFileName().toString().endsWith(".sst")) {
          try {
            Files.createLink(target, f);
            continue;
          } catch (IOException | UnsupportedOperationException e) {
            // Different file system: fall back to a copy.
          }
        }
        Files.copy(f, target);
      }
    }
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long term = entry.getTerm();
    long index = entry.getIndex();
    MvccStore s = store();
    CommandApplier a = applier;
    if (index <= s.appliedIndex().index() || a == null) {
      advanceLastApplied(term, index);
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    byte[] reply;
    long started = System.nanoTime();
    try {
      reply =
          a.apply(
              entry.getStateMachineLogEntry().getLogData().toByteArray(),
              new AppliedIndex(term, index));
    } catch (RuntimeException e) {
      LOG.atError()
          .setMessage("cannot apply committed entry; stopping the member")
          .addKeyValue("index", index)
          .setCause(e)
          .log();
      fatal.run();
      throw e;
    }
    FailPoints.inject(FailPoints.APPLY_AFTER_COMMIT);
    long took = System.nanoTime() - started;
    applyDuration.record(took, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (took > SLOW_APPLY_NANOS) {
      slowApplies.increment();
      LOG.atWarn()
          .setMessage("apply request took too long")
          .addKeyValue("took-ms", took / 1_000_000)
          .log();
    }
    updateLastAppliedTermIndex(term, index);
    appliedUpTo(index);
    return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
  }

  /** Writes waiting for this member to apply them, by log index (see {@link #awaitApplied}). */
  private final java.util.concurrent.ConcurrentSkipListMap<Long, CompletableFuture<Void>>
      appliedWaiters = new java.util.concurrent.ConcurrentSkipListMap<>();

  /**
   * Completes once this member has applied log entry {@code index}. A member answers a write it
   * forwarded to the leader only then, as etcd's members answer only after their own apply: a
   * client that reads or watches on the member it wrote through then sees its write.
   */
  public CompletableFuture<Void> awaitApplied(long index) {
    if (appliedIndex() >= index) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f =
        appliedWaiters.computeIfAbsent(index, k -> new CompletableFuture<>());
    if (appliedIndex() >= index) {
      appliedUpTo(index); // applied while registering
    }
    return f;
  }

  private long appliedIndex() {
    TermIndex last = getLastAppliedTermIndex();
    return last == null ? -1 : last.getIndex();
  }

  private void appliedUpTo(long index) {
    if (appliedWaiters.isEmpty()) {
      return;
    }
    var done = appliedWaiters.headMap(index, true);
    for (var e : done.entrySet()) {
      if (done.remove(e.getKey(), e.getValue())) {
        e.getValue().complete(null);
      }
    }
  }

  /** Ratis reports configuration and leader no-op entries here, in log order with the rest. */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    advanceLastApplied(term, index);
  }

  /**
   * Records an entry as applied unless the store already holds a later one. After a restart Ratis
   * replays the log from its newest snapshot, which is usually older than the live store (kept
   * outside {@code sm/} and not rolled back); {@link #openStore} starts the applied index at the
   * store's. Replayed entries the store already holds, including configuration and no-op entries,
   * must not move it back: {@code BaseStateMachine} asserts that it only grows, and the failed
   * assertion killed the Raft server of every member restarted after kill -9 with a store ahead of
   * its last snapshot (the member kept running, unable to apply or vote).
   */
  private void advanceLastApplied(long term, long index) {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || index > last.getIndex()) {
      updateLastAppliedTermIndex(term, index);
    }
    appliedUpTo(index);
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    String q = request.getContent().toStringUtf8();
    if (q.startsWith(ADDED_MEMBER_QUERY)) {
      URI url = URI.create(q.substring(ADDED_MEMBER_QUERY.length()));
      for (var m : io.strata.server.apply.Members.added(store())) {
        // A member updated before it first started joins with its new peer URLs.
        var urls =
            io.strata.server.apply.Members.updated(store(), m.getID())
                .map(io.strata.api.etcdserverpb.Member::getPeerURLsList)
                .orElse(m.getPeerURLsList());
        for (String u : urls) {
          URI candidate = URI.create(u);
          if (candidate.getPort() == url.getPort()
              && String.valueOf(candidate.getHost()).equalsIgnoreCase(url.getHost())) {
            return CompletableFuture.completedFuture(
                Message.valueOf(
                    org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(
                        m.toByteArray())));
          }
        }
      }
    }
    if (q.startsWith(PEER_URLS_QUERY)) {
      long id = Long.parseUnsignedLong(q.substring(PEER_URLS_QUERY.length()), 16);
      var updated = io.strata.server.apply.Members.updated(store(), id);
      if (updated.isPresent()) {
        return CompletableFuture.completedFuture(
            Message.valueOf(
                org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(
                    updated.get().toByteArray())));
      }
    }
    if (q.equals(RAFT_CONF_QUERY)) {
      return getServer()
          .thenApply(
              server -> {
                try {
                  var conf = server.getDivision(getGroupId()).getRaftConf();
                  var proto =
                      org.apache.ratis.proto.RaftProtos.RaftConfigurationProto.newBuilder()
                          .addAllPeers(
                              conf.getCurrentPeers().stream()
                                  .map(org.apache.ratis.protocol.RaftPeer::getRaftPeerProto)
                                  .toList())
                          .addAllListeners(
                              conf
                                  .getCurrentPeers(
                                      org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER)
                                  .stream()
                                  .map(org.apache.ratis.protocol.RaftPeer::getRaftPeerProto)
                                  .toList())
                          .build();
                  return Message.valueOf(proto.toByteString());
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
    // The read barrier, or a member nobody added or updated.
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  /** A linearizable read for the member MemberAdd recorded with this peer URL (see RaftNode). */
  private static final String ADDED_MEMBER_QUERY = "added-member:";

  /** A linearizable read for the peer URLs MemberUpdate set for a member id (see RaftNode). */
  private static final String PEER_URLS_QUERY = "member-peer-urls:";

  static String peerUrlsQuery(long memberId) {
    return PEER_URLS_QUERY + Long.toHexString(memberId);
  }

  /**
   * A read of the Raft configuration as the answering member knows it (Ratis 3.2.2's group info
   * reply leaves the configuration out); see RaftNode.
   */
  static final String RAFT_CONF_QUERY = "raft-conf";

  static String addedMemberQuery(URI peerUrl) {
    return ADDED_MEMBER_QUERY + peerUrl;
  }

  static java.util.Optional<io.strata.api.etcdserverpb.Member> parseAddedMember(Message reply) {
    if (reply == null || reply.getContent().isEmpty()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(
          io.strata.api.etcdserverpb.Member.parseFrom(reply.getContent().toByteArray()));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt added-member reply", e);
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() <= 0) {
      return -1;
    }
    Path target = snapshots.pathFor(last);
    if (!Files.exists(target)) {
      Path tmp = snapshots.tempPathFor(last);
      store().checkpoint(tmp);
      FailPoints.inject(FailPoints.SNAPSHOT_TAKE);
      Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      snapshots.refresh();
      LOG.atInfo()
          .setMessage("snapshot taken")
          .addKeyValue("index", last.getIndex())
          .addKeyValue("term", last.getTerm())
          .addKeyValue("revision", store().currentRevision())
          .log();
    }
    return last.getIndex();
  }

  /**
   * Ratis calls this before writing each chunk of a snapshot the leader sends, and its updater
   * asserts the state machine is PAUSED before {@link #reinitialize}: with a no-op pause (and no
   * lifecycle at all) every snapshot install failed that assertion and closed the follower's Raft
   * server. The live store keeps serving reads until {@link #reinitialize} swaps it.
   */
  @Override
  public void pause() {
    if (getLifeCycle().compareAndTransition(LifeCycle.State.RUNNING, LifeCycle.State.PAUSING)) {
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  @Override
  public void reinitialize() throws IOException {
    // Ratis installed a snapshot from the leader into sm/: rebuild the live store from it.
    snapshots.refresh();
    var snapshot = snapshots.getLatestSnapshot();
    if (snapshot == null) {
      resume();
      return;
    }
    MvccStore old = store;
    store = null;
    applier = null;
    if (old != null) {
      old.close();
    }
    FailPoints.inject(FailPoints.SNAPSHOT_INSTALL);
    restoreFrom(snapshots.latestDir());
    MvccStore opened = open();
    setLastAppliedTermIndex(snapshot.getTermIndex());
    lessor.recover(opened);
    applier = new CommandApplier(opened, lessor, events);
    store = opened;
    resume();
    LOG.atInfo()
        .setMessage("snapshot installed")
        .addKeyValue("index", snapshot.getIndex())
        .addKeyValue("revision", opened.currentRevision())
        .log();
  }

  /** Back to RUNNING after {@link #pause}; a no-op when not paused. */
  private void resume() {
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  @Override
  public void close() throws IOException {
    MvccStore s = store;
    store = null;
    applier = null;
    if (s != null) {
      s.close();
    }
    super.close();
  }
}
