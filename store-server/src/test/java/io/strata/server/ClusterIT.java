package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.server.TestCluster.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Three member processes started with {@code --initial-cluster}: the leader is killed under load
 * and replaced within etcd's bounds, killed members catch up, no acknowledged write is lost to
 * {@code kill -9} of any single member or to stopping and killing the whole cluster, and every
 * member ends with the same revision and HashKV hash.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterIT {
  private static final Duration LONG = Duration.ofSeconds(60);

  /** The bound: a new leader takes writes within 3 s of the old one's death. */
  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(3);

  /** How often the failover probe starts another put through each survivor. */
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);

  private @Nullable TestCluster cluster;

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void killLeader_underLoad_newLeaderTakesWritesWithin3s_restartedMemberCatchesUp(TestInfo info)
      throws Exception {
    TestCluster c = start(info);
    Member killed;
    try (RecordingWriter writer = new RecordingWriter(c, "w", 4, 32, 10_000)) {
      writer.awaitAcked(4_000, LONG);
      killed = c.awaitLeader(LONG);
      long killedAt = System.nanoTime();
      c.kill(killed);

      // Every survivor takes a write (the new leader directly, the other by forwarding) within
      // 3 s of the kill: detection (at most twice the 1 s election timeout) plus the election.
      Map<String, Duration> firstWrite = firstWriteAfter(c.running(), killedAt);
      Member newLeader = c.awaitLeader(LONG);
      assertThat(newLeader).isNotSameAs(killed);
      System.out.printf(
          "ClusterIT: killed leader %s; first acknowledged put after the kill %s; new leader %s%n",
          killed, firstWrite, newLeader);
      assertThat(firstWrite)
          .as("first put acknowledged through each survivor after the kill")
          .containsOnlyKeys(c.running().stream().map(Member::name).toList())
          .allSatisfy((m, d) -> assertThat(d).isLessThan(FAILOVER_BOUND));

      writer.awaitDone(LONG);
      c.restart(killed);
      assertSameDataEverywhere(c, writer);
    }
    assertThat(killed.loggedSinceStart(TestCluster.READY)).isTrue();
  }

  @Test
  void killEachMember_underLoad_losesNoAcknowledgedWrite(TestInfo info) throws Exception {
    TestCluster c = start(info);
    Set<Member> killedOnce = new HashSet<>();
    List<String> kills = new ArrayList<>();
    // Writes until stopped: each round waits for progress, so the number of puts depends on how
    // fast the cluster recovers.
    try (RecordingWriter writer = new RecordingWriter(c, "w", 4, 16, Long.MAX_VALUE)) {
      for (int round = 0; round < 3; round++) {
        writer.awaitAcked(writer.acked() + 1_500, LONG);
        Member leader = c.awaitLeader(LONG);
        // The leader first, then a follower, then whichever member is left: every member and
        // both roles are killed once.
        Member victim =
            switch (round) {
              case 0 -> leader;
              case 1 ->
                  c.running().stream()
                      .filter(m -> m != leader && !killedOnce.contains(m))
                      .findFirst()
                      .orElseThrow();
              default ->
                  c.members().stream()
                      .filter(m -> !killedOnce.contains(m))
                      .findFirst()
                      .orElseThrow();
            };
        kills.add(victim + (victim == leader ? " (leader)" : " (follower)"));
        killedOnce.add(victim);
        c.kill(victim);
        long acked = writer.acked();
        writer.awaitAcked(acked + 500, LONG); // the two survivors keep committing
        c.restart(victim);
        awaitCaughtUp(c, victim);
      }
      writer.stop();
      System.out.printf(
          "ClusterIT: killed %s under load; %d puts acknowledged, %d failed attempts retried%n",
          kills, writer.acked(), writer.failures());
      assertSameDataEverywhere(c, writer);
    }
    assertThat(killedOnce).hasSize(3);
  }

  @Test
  void stopAndKillWholeCluster_restarted_keepsDataAndRevision(TestInfo info) throws Exception {
    TestCluster c = start(info);
    try (RecordingWriter writer = new RecordingWriter(c, "w", 4, 32, 5_000)) {
      writer.awaitDone(LONG);
      long revision = c.awaitSameRevision(LONG);
      long hash = c.awaitLeader(LONG).hashKv(revision).getHash();

      c.stopAll(); // SIGTERM: members close cleanly
      c.startAll();
      assertRestartedWith(c, writer, revision, hash);

      c.killAll(); // SIGKILL: no member flushes or closes anything
      c.startAll();
      assertRestartedWith(c, writer, revision, hash);

      // And the restarted cluster still takes writes, at the next revision.
      Member any = c.awaitLeader(LONG);
      long next =
          any.kv()
              .put(
                  PutRequest.newBuilder()
                      .setKey(ByteString.copyFromUtf8("after-restart"))
                      .setValue(ByteString.copyFromUtf8("x"))
                      .build())
              .getHeader()
              .getRevision();
      assertThat(next).isEqualTo(revision + 1);
    }
  }

  private TestCluster start(TestInfo info) throws Exception {
    String name = "ClusterIT/" + info.getTestMethod().orElseThrow().getName();
    cluster = TestCluster.start(name, 3, TestCluster.FAST_ELECTION);
    return cluster;
  }

  private static void assertRestartedWith(
      TestCluster c, RecordingWriter writer, long revision, long hash) {
    c.awaitLeader(LONG);
    assertThat(c.awaitSameRevision(LONG)).isEqualTo(revision);
    for (Member m : c.members()) {
      assertThat(m.hashKv(revision).getHash()).as("hash of %s at %d", m, revision).isEqualTo(hash);
      assertThat(writer.missingOn(m, false)).as("acknowledged puts missing on %s", m).isEmpty();
    }
  }

  /**
   * Waits until every member is at the same revision, then checks that each holds every
   * acknowledged put (linearizable reads through each member, and serializable reads of its local
   * store) and that HashKV at that revision agrees.
   */
  static void assertSameDataEverywhere(TestCluster c, RecordingWriter writer) {
    long revision = c.awaitSameRevision(LONG);
    List<HashKVResponse> hashes = new ArrayList<>();
    for (Member m : c.members()) {
      hashes.add(m.hashKv(revision));
      assertThat(writer.missingOn(m, false)).as("acknowledged puts missing on %s", m).isEmpty();
      assertThat(writer.missingOn(m, true))
          .as("acknowledged puts missing in %s's store", m)
          .isEmpty();
    }
    assertThat(hashes)
        .as("HashKV at revision %d", revision)
        .allSatisfy(
            h -> {
              assertThat(h.getHash()).isEqualTo(hashes.get(0).getHash());
              assertThat(h.getHashRevision()).isEqualTo(revision);
              assertThat(h.getCompactRevision()).isEqualTo(hashes.get(0).getCompactRevision());
            });
    System.out.printf(
        "ClusterIT: %s at revision %d with hash %d%n",
        TestCluster.names(c.members()), revision, hashes.get(0).getHash());
  }

  /** Waits until {@code m} has applied everything the leader had committed when it restarted. */
  static void awaitCaughtUp(TestCluster c, Member m) {
    long committed =
        TestCluster.awaitValue(
            "the leader's commit index",
            LONG,
            () -> Optional.of(c.awaitLeader(LONG).status().getRaftIndex()));
    TestCluster.await(
        m + " to apply up to index " + committed,
        LONG,
        () -> m.status().getRaftAppliedIndex() >= committed);
  }

  /**
   * Starts a put through each member every {@link #PROBE_INTERVAL}, as impatient clients would,
   * each allowed up to three times {@link #FAILOVER_BOUND} after {@code since}; returns, by member
   * name, how long after {@code since} the first put through that member was acknowledged. A member
   * that acknowledged none by then is absent, so a failure shows how late the others were.
   */
  private static Map<String, Duration> firstWriteAfter(List<Member> members, long since)
      throws InterruptedException, ExecutionException {
    long deadline = since + 3 * FAILOVER_BOUND.toNanos();
    Map<String, CompletableFuture<Duration>> first = new TreeMap<>();
    members.forEach(m -> first.put(m.name(), new CompletableFuture<>()));
    AtomicInteger attempt = new AtomicInteger();
    Runnable probe =
        () -> {
          int i = attempt.getAndIncrement();
          for (Member m : members) {
            CompletableFuture<Duration> done = first.get(m.name());
            if (done.isDone()) {
              continue;
            }
            m.kvAsync()
                .withDeadlineAfter(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)
                .put(
                    PutRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8("probe/" + m.name() + "/" + i))
                        .setValue(ByteString.copyFromUtf8("probe"))
                        .build(),
                    new StreamObserver<PutResponse>() {
                      @Override
                      public void onNext(PutResponse value) {
                        done.complete(Duration.ofNanos(System.nanoTime() - since));
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    });
          }
        };
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try {
      pacer.scheduleAtFixedRate(probe, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      CompletableFuture.allOf(first.values().toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Some member acknowledged nothing in time: it is absent from the result.
    } finally {
      pacer.shutdownNow();
    }
    Map<String, Duration> byName = new TreeMap<>();
    first.forEach(
        (name, f) -> {
          if (f.isDone()) {
            byName.put(name, f.join());
          }
        });
    return byName;
  }
}
