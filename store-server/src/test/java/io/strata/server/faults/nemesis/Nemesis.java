package io.strata.server.faults.nemesis;

import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.MoveLeaderRequest;
import io.strata.api.etcdserverpb.StatusResponse;
import io.strata.server.TestCluster;
import io.strata.server.TestCluster.Member;
import io.strata.server.faults.check.MemberApplyChecker;
import io.strata.server.faults.check.Report;
import io.strata.server.faults.net.PeerNetwork;
import io.strata.server.faults.workload.Clients;
import io.strata.server.grpc.MaintenanceService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Injects one {@link Fault} at a time into a {@link TestCluster} whose peer links run through a
 * {@link PeerNetwork}, holds it for a while, heals it, and waits until the cluster has a leader
 * again. Choices (which member, how long, how the network splits) come from a seeded random, so a
 * seed reproduces the schedule (timings still vary with the machine).
 */
public final class Nemesis {
  /** The cluster must elect a leader within this long of a heal, or the run reports it. */
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  /**
   * A running member behind the leader must apply something within this long (it may be installing
   * a snapshot for a good part of it), or the run reports it.
   */
  private static final Duration STALLED = Duration.ofSeconds(45);

  private final TestCluster cluster;
  private final PeerNetwork network;
  private final Clients clients;
  private final Random random;
  private final Report report;
  private final FailPointArming failPoints;
  private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());

  private final MemberApplyChecker memberApply = new MemberApplyChecker(STALLED);

  private final long startNanos = System.nanoTime();

  /** How a FAILPOINT fault arms a member: the JVM arguments for one launch. */
  public interface FailPointArming {
    List<String> jvmArgs(Random random);
  }

  public Nemesis(
      TestCluster cluster,
      PeerNetwork network,
      Clients clients,
      Random random,
      Report report,
      FailPointArming failPoints) {
    this.cluster = cluster;
    this.network = network;
    this.clients = clients;
    this.random = random;
    this.report = report;
    this.failPoints = failPoints;
  }

  /** What happened when, for the run's directory. */
  public List<String> timeline() {
    return List.copyOf(timeline);
  }

  private void note(String what) {
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    timeline.add(String.format("%7d ms  %s", ms, what));
  }

  /** Injects {@code fault}, holds it about {@code holdMillis}, heals, and waits for a leader. */
  public void inject(Fault fault, long holdMillis) {
    report.stat("nemesis." + fault.name().toLowerCase(java.util.Locale.ROOT), 1);
    List<Member> members = cluster.members();
    switch (fault) {
      case KILL -> {
        Member victim = victim();
        note("kill -9 " + victim);
        cluster.kill(victim);
        hold(holdMillis);
        note("restart " + victim);
        cluster.restart(victim);
      }
      case KILL_ALL -> {
        note("kill -9 all");
        cluster.killAll();
        hold(Math.min(holdMillis, 1000));
        note("restart all");
        cluster.startAll();
      }
      case PAUSE -> {
        Member victim = victim();
        note("SIGSTOP " + victim);
        cluster.pause(victim);
        hold(holdMillis);
        note("SIGCONT " + victim);
        cluster.resume(victim);
      }
      case TRANSFER_LEADER -> transferLeader();
      case PARTITION_MAJORITY -> {
        List<Integer> order = shuffled(members.size());
        int minority = (members.size() - 1) / 2;
        Set<Integer> small = new HashSet<>(order.subList(0, minority));
        Set<Integer> large = new HashSet<>(order.subList(minority, order.size()));
        note("partition " + names(small) + " | " + names(large));
        network.partition(List.of(small, large));
        hold(holdMillis);
      }
      case PARTITION_LEADER -> {
        int leader = members.indexOf(leaderOrAny());
        Set<Integer> rest = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
          if (i != leader) {
            rest.add(i);
          }
        }
        note("isolate leader " + members.get(leader));
        network.partition(List.of(Set.of(leader), rest));
        hold(holdMillis);
      }
      case PARTITION_BRIDGE -> {
        // n=3: a-c cut, b talks to both; n=5: {a,b} and {d,e} cut apart, c talks to all.
        List<Integer> order = shuffled(members.size());
        int half = members.size() / 2;
        int bridge = order.get(half);
        List<Integer> left = order.subList(0, half);
        List<Integer> right = order.subList(half + 1, order.size());
        note(
            "bridge "
                + members.get(bridge)
                + " between "
                + names(new HashSet<>(left))
                + " and "
                + names(new HashSet<>(right)));
        for (int a : left) {
          for (int b : right) {
            network.cut(a, b);
          }
        }
        hold(holdMillis);
      }
      case DELAY -> {
        long delay = 50 + random.nextInt(100);
        note("delay " + delay + " ms on every peer link");
        network.delayAll(delay, delay / 2);
        hold(holdMillis);
      }
      case LOSS -> {
        double loss = 0.1 + random.nextDouble() * 0.2;
        note(String.format("loss %.0f%% on every peer link", loss * 100));
        network.lossAll(loss);
        hold(holdMillis);
      }
      case FAILPOINT -> {
        Member victim = members.get(random.nextInt(members.size()));
        List<String> args = failPoints.jvmArgs(random);
        note("restart " + victim + " with " + args);
        cluster.kill(victim);
        cluster.launch(victim, args);
        try {
          victim.awaitReady();
        } catch (IllegalStateException e) {
          // Crashed while catching up: the failpoint was reached before it served clients.
        }
        // It crashes when it reaches the failpoint (or keeps running if traffic never gets there).
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMillis + 5000);
        while (victim.isAlive() && System.nanoTime() < deadline) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // polling the process
        }
        boolean crashed = !victim.isAlive();
        note(victim + (crashed ? " crashed at the failpoint" : " did not reach the failpoint"));
        if (crashed) {
          report.stat("nemesis.failpoint-crashes", 1);
        } else {
          cluster.kill(victim);
        }
        cluster.restart(victim);
      }
    }
    healAll();
  }

  /** Resumes, heals and restarts everything, then waits for a leader. */
  public void healAll() {
    network.heal();
    for (Member m : cluster.members()) {
      if (m.isAlive() && !m.isRunning()) {
        try {
          cluster.resume(m);
        } catch (IllegalStateException e) {
          // Not paused: starting.
        }
      }
    }
    List<Member> dead = cluster.members().stream().filter(m -> !m.isAlive()).toList();
    for (Member m : dead) {
      note("restart " + m + " (found dead)");
      cluster.restart(m);
    }
    clients.wakeUp();
    note("healed");
    try {
      cluster.awaitLeader(RECOVERY);
    } catch (AssertionError e) {
      report.violation(
          "availability",
          "no leader " + RECOVERY.toSeconds() + " s after healing: " + e.getMessage());
    }
    checkMembersApply();
    clients.wakeUp();
  }

  /** After every heal, see {@link MemberApplyChecker}. */
  private void checkMembersApply() {
    long commit;
    try {
      commit = cluster.leader().map(l -> l.status().getRaftIndex()).orElse(-1L);
    } catch (RuntimeException e) {
      commit = -1; // the leader moved on; the next heal checks again
    }
    long now = System.nanoTime();
    List<MemberApplyChecker.Observation> seen = new ArrayList<>();
    for (Member m : cluster.running()) {
      StatusResponse s;
      try {
        s = m.status();
      } catch (RuntimeException e) {
        continue; // installing a snapshot or just restarted: not an answer either way
      }
      seen.add(
          new MemberApplyChecker.Observation(
              m.name(),
              !s.getErrorsList().contains(MaintenanceService.RAFT_NOT_RUNNING),
              s.getRaftAppliedIndex()));
    }
    memberApply.check(seen, commit, now, report).forEach(this::note);
  }

  private void transferLeader() {
    Optional<Member> leader = cluster.leader();
    if (leader.isEmpty()) {
      note("transfer: no leader");
      return;
    }
    List<Member> others = cluster.running().stream().filter(m -> m != leader.get()).toList();
    if (others.isEmpty()) {
      return;
    }
    Member target = others.get(random.nextInt(others.size()));
    note("move leader " + leader.get() + " -> " + target);
    try {
      long id = target.status().getHeader().getMemberId();
      MaintenanceGrpc.newBlockingStub(leader.get().channel())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .moveLeader(MoveLeaderRequest.newBuilder().setTargetID(id).build());
      note("leader moved to " + target);
      report.stat("nemesis.transfer-leader-done", 1);
    } catch (RuntimeException e) {
      note("move leader failed: " + e.getMessage());
    }
  }

  private Member victim() {
    List<Member> running = cluster.running();
    if (random.nextBoolean()) {
      Optional<Member> leader = cluster.leader();
      if (leader.isPresent()) {
        return leader.get();
      }
    }
    return running.get(random.nextInt(running.size()));
  }

  private Member leaderOrAny() {
    return cluster.leader().orElseGet(() -> cluster.running().get(0));
  }

  private List<Integer> shuffled(int n) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    return order;
  }

  private String names(Set<Integer> indexes) {
    return indexes.stream().sorted().map(i -> cluster.members().get(i).name()).toList().toString();
  }

  private static void hold(long millis) {
    // The fault's duration is the point here: nothing to await.
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
  }
}
