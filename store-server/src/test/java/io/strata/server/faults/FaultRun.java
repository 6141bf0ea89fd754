package io.strata.server.faults;

import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.core.failpoint.FailPoints;
import io.strata.server.TestCluster;
import io.strata.server.TestCluster.Member;
import io.strata.server.faults.check.Event;
import io.strata.server.faults.check.GroundTruth;
import io.strata.server.faults.check.LinearizabilityChecker;
import io.strata.server.faults.check.LockChecker;
import io.strata.server.faults.check.Report;
import io.strata.server.faults.check.ResultChecker;
import io.strata.server.faults.check.RevisionChecker;
import io.strata.server.faults.check.WatchChecker;
import io.strata.server.faults.history.History;
import io.strata.server.faults.history.Op;
import io.strata.server.faults.nemesis.Fault;
import io.strata.server.faults.nemesis.Nemesis;
import io.strata.server.faults.net.PeerNetwork;
import io.strata.server.faults.workload.Clients;
import io.strata.server.faults.workload.KubeWorkload;
import io.strata.server.faults.workload.LockWorkload;
import io.strata.server.faults.workload.RegisterWorkload;
import io.strata.server.faults.workload.SetWorkload;
import io.strata.server.faults.workload.Watchers;
import io.strata.server.faults.workload.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One fault run: start a cluster behind a {@link PeerNetwork}, run every workload while the {@link
 * Nemesis} injects faults, heal, collect the committed history from every member, and run every
 * checker. Everything a reader needs afterwards goes to {@code dir}: {@code history.jsonl}, {@code
 * timeline.txt} (faults with times), {@code report.txt}; member logs stay in {@code
 * target/cluster-logs/FaultRun/<name>}.
 */
public final class FaultRun {
  /** Watch prefixes: one watcher per prefix on every member. */
  static final List<String> WATCHED =
      List.of(
          RegisterWorkload.PREFIX, SetWorkload.PREFIX, KubeWorkload.PREFIX, LockWorkload.PREFIX);

  /**
   * What to run. {@code faults} are injected in this order (repeated while time is left) when
   * {@code shuffle} is false; otherwise drawn at random from it.
   */
  public record Config(
      String name,
      int members,
      long seed,
      Duration duration,
      List<Fault> faults,
      boolean shuffle) {}

  /**
   * The failpoints a FAILPOINT fault arms for one launch ({@code @} gets a random hit count).
   * Compaction is not among them: runs keep the whole history as ground truth, so FailPointIT
   * crashes a member mid-compaction on its own.
   */
  static final List<String> FAILPOINTS =
      List.of(
          FailPoints.APPLY_AFTER_COMMIT + "=crash@",
          FailPoints.SNAPSHOT_TAKE + "=crash@1",
          FailPoints.SNAPSHOT_INSTALL + "=crash@1");

  private FaultRun() {}

  public static Report run(Config config, Path dir) throws Exception {
    Files.createDirectories(dir);
    Report report = new Report();
    Random random = new Random(config.seed());
    History history = new History();
    List<String> flags = new ArrayList<>(TestCluster.FAST_ELECTION);
    // Frequent snapshots so crashes land around snapshot creation and restarted members catch up
    // by snapshot install.
    flags.addAll(List.of("--snapshot-count", "300"));
    try (PeerNetwork net = new PeerNetwork(config.members(), dir.resolve("hosts"));
        TestCluster cluster =
            TestCluster.start("FaultRun/" + config.name(), config.members(), flags, net);
        Clients clients =
            new Clients(
                cluster.members().stream().map(Member::name).toList(),
                cluster.members().stream().map(Member::clientPort).toList())) {
      cluster.awaitLeader(Duration.ofSeconds(60));
      long start = cluster.awaitSameRevision(Duration.ofSeconds(30)) + 1;
      Nemesis nemesis =
          new Nemesis(
              cluster,
              net,
              clients,
              random,
              report,
              r -> {
                String fp = FAILPOINTS.get(r.nextInt(FAILPOINTS.size()));
                if (fp.endsWith("@")) {
                  fp += 1 + r.nextInt(15);
                }
                return List.of("-D" + FailPoints.PROPERTY + "=" + fp);
              });
      List<Workload> workloads =
          List.of(
              new RegisterWorkload(history, clients, 0, 4, config.seed(), 4000),
              new SetWorkload(history, clients, 10, 1, config.seed()),
              new LockWorkload(history, clients, 20, 2, config.seed()),
              new KubeWorkload(history, clients, 30, 2, config.seed()));
      try (Watchers watchers = new Watchers(clients, WATCHED, start)) {
        watchers.start();
        workloads.forEach(Workload::start);
        try {
          runNemesis(config, nemesis, random);
        } finally {
          nemesis.healAll();
          workloads.forEach(Workload::stop);
          for (Workload w : workloads) {
            w.join();
          }
          Files.write(dir.resolve("timeline.txt"), nemesis.timeline(), StandardCharsets.UTF_8);
        }
        finalRead(history, clients);
        long last = awaitQuiescence(cluster);
        GroundTruth truth = groundTruth(cluster, clients, last, report);
        TestCluster.await(
            "every watcher to catch up with revision " + last,
            Duration.ofSeconds(60),
            () -> {
              clients.wakeUp();
              return watchers.caughtUp(p -> lastRevision(truth, p));
            });
        checkHashes(cluster, last, report);
        history.writeJsonLines(dir.resolve("history.jsonl"));
        writeWatches(dir.resolve("watches.txt"), watchers.logs(), truth);
        check(history.ops(), truth, watchers.logs(), report);
      } catch (AssertionError | RuntimeException e) {
        history.writeJsonLines(dir.resolve("history.jsonl"));
        throw e;
      }
    } finally {
      Files.writeString(dir.resolve("report.txt"), report.toString(), StandardCharsets.UTF_8);
    }
    return report;
  }

  private static void runNemesis(Config config, Nemesis nemesis, Random random) {
    long deadline = System.nanoTime() + config.duration().toNanos();
    List<Fault> order = new ArrayList<>(config.faults());
    int i = 0;
    // Without shuffle, the first round injects every listed fault once even past the deadline.
    while (System.nanoTime() < deadline || (!config.shuffle() && i < order.size())) {
      Fault f;
      if (config.shuffle()) {
        f = order.get(random.nextInt(order.size()));
      } else {
        if (i % order.size() == 0) {
          Collections.shuffle(order, random);
        }
        f = order.get(i % order.size());
      }
      i++;
      nemesis.inject(f, 1500 + random.nextInt(2000));
      // Quiet time between faults: the workload runs against a healthy cluster for a moment.
      java.util.concurrent.locks.LockSupport.parkNanos(
          TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(1000)));
    }
  }

  /** The final set read, retried on every member until one answers. */
  private static void finalRead(History history, Clients clients) {
    SetWorkload reader = new SetWorkload(history, clients, 99, 1, 0);
    TestCluster.await(
        "a final read of the set",
        Duration.ofSeconds(60),
        () -> {
          for (int m = 0; m < clients.size(); m++) {
            if (reader.read(99, m, clients.name(m))) {
              return true;
            }
          }
          clients.wakeUp();
          return false;
        });
  }

  /**
   * Waits until every member reports the same revision and it stays unchanged for {@link #QUIET}. A
   * write whose client timed out may still be retried inside the member it was sent to and commit
   * later; the ground truth must include it, so it is taken only once nothing moves.
   */
  private static long awaitQuiescence(TestCluster cluster) {
    long[] last = {-1};
    long[] since = {System.nanoTime()};
    TestCluster.await(
        "the revision to stay unchanged for " + QUIET,
        Duration.ofMinutes(3),
        () -> {
          long r = cluster.awaitSameRevision(Duration.ofSeconds(60));
          if (r != last[0]) {
            last[0] = r;
            since[0] = System.nanoTime();
          }
          return System.nanoTime() - since[0] >= QUIET.toNanos();
        });
    return last[0];
  }

  private static final Duration QUIET = Duration.ofSeconds(10);

  /** Every watcher's events and the committed events, for reading a watch violation. */
  private static void writeWatches(Path file, List<WatchChecker.WatchLog> logs, GroundTruth truth)
      throws IOException {
    List<String> lines = new ArrayList<>();
    for (WatchChecker.WatchLog w : logs) {
      lines.add(
          "# "
              + w.id()
              + " prefix="
              + w.prefix()
              + " from="
              + w.startRevision()
              + " reconnects="
              + w.reconnects());
      w.received().forEach(e -> lines.add(e.toString()));
    }
    lines.add("# committed");
    truth.events().forEach(e -> lines.add(e.toString()));
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static long lastRevision(GroundTruth truth, String prefix) {
    long last = 0;
    for (Event e : truth.events()) {
      if (e.key().startsWith(prefix)) {
        last = e.revision();
      }
    }
    return last;
  }

  /**
   * Every member replays its whole history (a watch from revision 2 over all keys); they must all
   * replay the same events, which become the ground truth.
   */
  static GroundTruth groundTruth(TestCluster cluster, Clients clients, long last, Report report) {
    List<List<Event>> replays = new ArrayList<>();
    for (int m = 0; m < clients.size(); m++) {
      replays.add(replay(clients, m, last));
    }
    List<Event> first = replays.get(0);
    for (int m = 1; m < replays.size(); m++) {
      List<Event> other = replays.get(m);
      int n = Math.min(first.size(), other.size());
      for (int i = 0; i < n; i++) {
        if (!first.get(i).sameAs(other.get(i))) {
          report.violation(
              "divergence",
              clients.name(0)
                  + " and "
                  + clients.name(m)
                  + " differ at event "
                  + i
                  + ": "
                  + first.get(i)
                  + " vs "
                  + other.get(i));
          break;
        }
      }
      if (first.size() != other.size()) {
        report.violation(
            "divergence",
            clients.name(0)
                + " replays "
                + first.size()
                + " events, "
                + clients.name(m)
                + " "
                + other.size());
      }
    }
    GroundTruth truth = new GroundTruth(first, last);
    truth.check(report);
    return truth;
  }

  private static List<Event> replay(Clients clients, int member, long last) {
    List<Event> events = Collections.synchronizedList(new ArrayList<>());
    StreamObserver<WatchRequest> requests =
        WatchGrpc.newStub(clients.channel(member))
            .watch(
                new StreamObserver<>() {
                  @Override
                  public void onNext(WatchResponse r) {
                    for (io.strata.api.mvccpb.Event e : r.getEventsList()) {
                      var kv = e.getKv();
                      events.add(
                          e.getType() == io.strata.api.mvccpb.Event.EventType.DELETE
                              ? Event.delete(kv.getModRevision(), kv.getKey().toStringUtf8())
                              : Event.put(
                                  kv.getModRevision(),
                                  kv.getKey().toStringUtf8(),
                                  kv.getValue().toStringUtf8(),
                                  kv.getCreateRevision()));
                    }
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        WatchRequest.newBuilder()
            .setCreateRequest(
                WatchCreateRequest.newBuilder()
                    .setKey(Clients.bytes("\0"))
                    .setRangeEnd(Clients.bytes("\0"))
                    .setStartRevision(2))
            .build());
    try {
      TestCluster.await(
          clients.name(member) + " to replay its history up to revision " + last,
          Duration.ofSeconds(60),
          () -> {
            synchronized (events) {
              return !events.isEmpty() && events.get(events.size() - 1).revision() >= last;
            }
          });
    } finally {
      requests.onCompleted();
    }
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  private static void checkHashes(TestCluster cluster, long revision, Report report) {
    List<String> hashes = new ArrayList<>();
    for (Member m : cluster.members()) {
      HashKVResponse h = m.hashKv(revision);
      hashes.add(
          m.name()
              + ": hash="
              + Integer.toUnsignedString(h.getHash())
              + " compact="
              + h.getCompactRevision());
    }
    if (hashes.stream().map(s -> s.substring(s.indexOf(':'))).distinct().count() != 1) {
      report.violation("hashkv", "members disagree at revision " + revision + ": " + hashes);
    }
    report.stat("hashkv.revision", revision);
  }

  static void check(
      List<Op> ops, GroundTruth truth, List<WatchChecker.WatchLog> watches, Report report) {
    report.stat("ops", ops.size());
    report.stat("ops.unknown", ops.stream().filter(Op::indeterminate).count());
    new LinearizabilityChecker().check(ops, report);
    new RevisionChecker().check(ops, report);
    new ResultChecker(List.of(LockWorkload.PREFIX)).check(ops, truth, report);
    Op finalRead = null;
    for (Op op : ops) {
      if (op.type() == Op.Type.SET_READ && op.client() == 99 && op.outcome() == Op.Outcome.OK) {
        finalRead = op;
      }
    }
    if (finalRead != null) {
      ResultChecker.checkSetFinal(
          ops,
          SetWorkload.PREFIX,
          truth.prefixAt(SetWorkload.PREFIX, finalRead.revision()),
          report);
    }
    new WatchChecker().check(watches, truth, report);
    new LockChecker().check(ops, truth, report);
  }

  /** Where a run's files go: {@code target/fault-runs/<name>}. */
  public static Path dir(String name) {
    return Path.of(System.getProperty("basedir", "."), "target", "fault-runs", name);
  }

  /** Empties a run's directory, so what is left there afterwards is from this run only. */
  static void deleteQuietly(Path p) throws IOException {
    if (Files.exists(p)) {
      try (var walk = Files.walk(p)) {
        for (Path x : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(x);
        }
      }
    }
  }
}
