package io.strata.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.CompactionRequest;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.core.failpoint.FailPoints;
import io.strata.server.TestCluster;
import io.strata.server.TestCluster.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A member crashes (exit as from SIGKILL) at each crash-critical failpoint; after a restart it
 * agrees with the others on every acknowledged write and on HashKV, and compaction finishes.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FailPointIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private @Nullable TestCluster cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private TestCluster start(TestInfo info, String... extraFlags) throws Exception {
    List<String> flags = new ArrayList<>(TestCluster.FAST_ELECTION);
    flags.addAll(List.of(extraFlags));
    cluster =
        TestCluster.start("FailPointIT/" + info.getTestMethod().orElseThrow().getName(), 3, flags);
    cluster.awaitLeader(WAIT);
    return cluster;
  }

  @Test
  void applyAfterCommit_crashBeforeTheReply_losesNothingAcknowledged(TestInfo info)
      throws Exception {
    TestCluster c = start(info);
    Member victim = c.followers(WAIT).get(0);
    Member writer = c.members().stream().filter(m -> m != victim).findFirst().orElseThrow();
    c.kill(victim);
    c.launch(victim, List.of(arm(FailPoints.APPLY_AFTER_COMMIT + "=crash@20")));
    Set<Acked> acked = putMany(writer, "apply/", 200);
    TestCluster.await("the armed member to crash", WAIT, () -> !victim.isAlive());
    assertThat(victim.fullLog()).contains("failpoint " + FailPoints.APPLY_AFTER_COMMIT);
    c.restart(victim);
    assertAgree(c, "apply/", acked);
  }

  @Test
  void snapshotTake_crashBeforePublishing_recovers(TestInfo info) throws Exception {
    TestCluster c = start(info, "--snapshot-count", "50");
    Member victim = c.followers(WAIT).get(0);
    Member writer = c.members().stream().filter(m -> m != victim).findFirst().orElseThrow();
    c.kill(victim);
    c.launch(victim, List.of(arm(FailPoints.SNAPSHOT_TAKE + "=crash@1")));
    victim.awaitReady();
    Set<Acked> acked = putMany(writer, "snap/", 200);
    TestCluster.await("the armed member to crash", WAIT, () -> !victim.isAlive());
    c.restart(victim);
    acked.addAll(putMany(writer, "snap-after/", 20));
    assertAgree(c, "snap", acked);
  }

  @Test
  void compactionMid_crashBetweenBatches_finishesAfterRestart(TestInfo info) throws Exception {
    TestCluster c = start(info);
    Member victim = c.followers(WAIT).get(0);
    Member writer = c.members().stream().filter(m -> m != victim).findFirst().orElseThrow();
    // More revisions than one compaction batch (1000) removes, on few keys so most are garbage.
    Set<Acked> acked = putMany(writer, "compact/", 1300);
    long revision = c.awaitSameRevision(WAIT);
    c.kill(victim);
    c.launch(victim, List.of(arm(FailPoints.COMPACTION_MID + "=crash@1")));
    victim.awaitReady();
    writer.kv().compact(CompactionRequest.newBuilder().setRevision(revision - 5).build());
    TestCluster.await("the armed member to crash mid-compaction", WAIT, () -> !victim.isAlive());
    c.restart(victim);
    assertAgree(c, "compact/", acked);
  }

  private static String arm(String spec) {
    return "-D" + FailPoints.PROPERTY + "=" + spec;
  }

  /** An acknowledged put: the key held the value at the revision the reply reported. */
  private record Acked(String key, String value, long revision) {}

  /** Puts {@code n} values (on 10 keys under {@code prefix}) from 4 threads; returns the acked. */
  private static Set<Acked> putMany(Member m, String prefix, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Acked>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String key = prefix + (i % 10);
        String value = "v" + i;
        futures.add(
            pool.submit(
                () -> {
                  long revision =
                      m.kv()
                          .put(
                              PutRequest.newBuilder()
                                  .setKey(ByteString.copyFromUtf8(key))
                                  .setValue(ByteString.copyFromUtf8(value))
                                  .build())
                          .getHeader()
                          .getRevision();
                  return new Acked(key, value, revision);
                }));
      }
      Set<Acked> acked = new HashSet<>();
      for (Future<Acked> f : futures) {
        try {
          acked.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          // Not acknowledged: no promise to keep.
        }
      }
      return acked;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Every member agrees on HashKV, and holds every acknowledged put at its revision (those not
   * compacted away; a sample, to bound the test's time).
   */
  private static void assertAgree(TestCluster c, String prefix, Set<Acked> acked) {
    assertThat(acked).isNotEmpty();
    long revision = c.awaitSameRevision(WAIT);
    List<Long> hashes = new ArrayList<>();
    List<Long> compacted = new ArrayList<>();
    for (Member m : c.members()) {
      HashKVResponse h = m.hashKv(revision);
      hashes.add(Integer.toUnsignedLong(h.getHash()));
      compacted.add(h.getCompactRevision());
    }
    assertThat(hashes).as("HashKV at %d", revision).containsOnly(hashes.get(0));
    assertThat(compacted).containsOnly(compacted.get(0));
    List<Acked> sample =
        acked.stream().filter(a -> a.revision() > compacted.get(0)).limit(100).toList();
    for (Member m : c.members()) {
      for (Acked a : sample) {
        TestCluster.await(
            m + " to hold " + a,
            WAIT,
            () -> {
              var kvs =
                  m.kv()
                      .range(
                          RangeRequest.newBuilder()
                              .setKey(ByteString.copyFromUtf8(a.key()))
                              .setRevision(a.revision())
                              .build())
                      .getKvsList();
              assertThat(kvs).as("%s at revision %d on %s", a.key(), a.revision(), m).hasSize(1);
              assertThat(kvs.get(0).getValue().toStringUtf8()).isEqualTo(a.value());
              return true;
            });
      }
    }
  }
}
