package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.LeaseKeepAliveRequest;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.server.TestCluster.Member;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Leases survive a leader kill with what is left of their TTL (etcd issue #9888): the new leader
 * neither renews them (the lease expires on time, not a full TTL later) nor shortens them (not
 * before its deadline), and keep-alives sent to followers keep a lease alive across the failover.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LeaseFailoverIT {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final long TTL = 10;
  private static final long KEPT_TTL = 5;

  /** TestCluster.FAST_ELECTION's election timeout. */
  private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(1000);

  /** Polling, the expiry tick and the revoke's commit. */
  private static final Duration SLACK = Duration.ofMillis(500);

  private @Nullable TestCluster cluster;

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void killLeader_leaseExpiresOnTime_andKeepAlivesThroughFollowersKeepLeasesAlive(TestInfo info)
      throws Exception {
    TestCluster c =
        cluster =
            TestCluster.start(
                "LeaseFailoverIT/" + info.getTestMethod().orElseThrow().getName(),
                3,
                TestCluster.FAST_ELECTION);
    Member leader = c.awaitLeader(LONG);

    long sent = System.nanoTime();
    long expiring = lease(leader).leaseGrant(grant(TTL)).getID();
    long acked = System.nanoTime();
    put(leader, "failover/expiring", expiring);
    long kept = lease(leader).leaseGrant(grant(KEPT_TTL)).getID();
    put(leader, "failover/kept", kept);

    // Let the lease age past a third of its TTL, keeping the other one alive through followers.
    keepAliveUntil(c, kept, acked + TimeUnit.SECONDS.toNanos(TTL / 3));
    long killedAt = System.nanoTime();
    c.kill(leader);
    Member newLeader = c.awaitLeader(LONG);
    assertThat(newLeader).isNotSameAs(leader);
    long elected = System.nanoTime();

    // No renewal on the new leader: what is left, not the full TTL.
    LeaseTimeToLiveResponse left =
        lease(newLeader)
            .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(expiring).build());
    long upperBound = TTL - TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - acked);
    assertThat(left.getGrantedTTL()).isEqualTo(TTL);
    assertThat(left.getTTL()).isBetween(1L, upperBound + 1);

    // Expired on time: not before its deadline, and no more than about one election timeout late.
    long deadline = acked + TimeUnit.SECONDS.toNanos(TTL);
    long[] deletedAt = {0};
    long stopKeepingAt = deadline + ELECTION_TIMEOUT.plus(SLACK).multipliedBy(2).toNanos();
    TestCluster.await(
        "the expired lease's key to go",
        LONG,
        () -> {
          keepAlive(c, kept);
          if (deletedAt[0] == 0 && !exists(c, "failover/expiring")) {
            deletedAt[0] = System.nanoTime();
          }
          return deletedAt[0] != 0 && System.nanoTime() - stopKeepingAt >= 0;
        });
    long earliest = sent + TimeUnit.SECONDS.toNanos(TTL);
    long latest = deadline + ELECTION_TIMEOUT.plus(SLACK).toNanos();
    System.out.printf(
        "LeaseFailoverIT: killed %s %d ms after the grant, %s elected after %d ms, lease expired"
            + " %d ms after its deadline%n",
        leader,
        TimeUnit.NANOSECONDS.toMillis(killedAt - acked),
        newLeader,
        TimeUnit.NANOSECONDS.toMillis(elected - killedAt),
        TimeUnit.NANOSECONDS.toMillis(deletedAt[0] - deadline));
    assertThat(deletedAt[0] - earliest).as("expired early").isNotNegative();
    assertThat(deletedAt[0] - latest).as("expired late").isNotPositive();

    // The lease kept alive through followers outlived its TTL several times over.
    assertThat(exists(c, "failover/kept")).isTrue();
    assertThat(
            lease(c.awaitLeader(LONG))
                .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(kept).build())
                .getTTL())
        .isPositive();
  }

  /**
   * The scale test: 100 leases of 10 s, each with a key, and two leader kills (five
   * members, so three stay up without waiting for a restart). Every key goes when its lease runs
   * out: not before the grant was sent plus the TTL, and at most one election timeout (plus polling
   * slack) after the grant was acknowledged plus the TTL.
   */
  @Test
  void hundredLeases_leaderKilledTwice_noneExpiresEarlyOrOutlivesItsTtl(TestInfo info)
      throws Exception {
    TestCluster c =
        cluster =
            TestCluster.start(
                "LeaseFailoverIT/" + info.getTestMethod().orElseThrow().getName(),
                5,
                TestCluster.FAST_ELECTION);
    int count = 100;
    long[] sent = new long[count];
    long[] acked = new long[count];
    Member leader = c.awaitLeader(LONG);
    // All grants in flight at once, so that they share (almost) one deadline and the kills below
    // fall well inside every lease's life.
    long[] ids = new long[count];
    List<CompletableFuture<Void>> grants = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      CompletableFuture<Void> done = new CompletableFuture<>();
      grants.add(done);
      sent[n] = System.nanoTime();
      LeaseGrpc.newStub(leader.channel())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .leaseGrant(
              grant(TTL),
              new StreamObserver<>() {
                @Override
                public void onNext(io.strata.api.etcdserverpb.LeaseGrantResponse r) {
                  acked[n] = System.nanoTime();
                  ids[n] = r.getID();
                }

                @Override
                public void onError(Throwable t) {
                  done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                  done.complete(null);
                }
              });
    }
    CompletableFuture.allOf(grants.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    long firstAck = java.util.Arrays.stream(acked).min().orElseThrow();
    long grantMs =
        TimeUnit.NANOSECONDS.toMillis(java.util.Arrays.stream(acked).max().orElseThrow() - sent[0]);
    for (int i = 0; i < count; i++) {
      put(leader, String.format("many/%03d", i), ids[i]);
    }
    long[] deletedAt = new long[count];

    Runnable poll =
        () -> {
          Set<String> alive = aliveKeys(c, "many/");
          if (alive == null) {
            return; // no member answered: the next poll tries again
          }
          long now = System.nanoTime();
          for (int i = 0; i < count; i++) {
            if (deletedAt[i] == 0 && !alive.contains(String.format("many/%03d", i))) {
              deletedAt[i] = now;
            }
          }
        };

    // Two leader kills, 3 s apart, each election over long before the first deadline (nobody can
    // revoke a lease while there is no leader).
    List<String> kills = new java.util.ArrayList<>();
    for (int k = 1; k <= 2; k++) {
      long at = firstAck + TimeUnit.MILLISECONDS.toNanos(TTL * 1000 * (3 * k - 1) / 10);
      TestCluster.await(
          "kill " + k,
          LONG,
          () -> {
            poll.run();
            return System.nanoTime() - at >= 0;
          });
      Member victim = c.awaitLeader(LONG);
      c.kill(victim);
      Member next = c.awaitLeader(LONG);
      assertThat(next).isNotSameAs(victim);
      kills.add(victim + "->" + next);
    }
    TestCluster.await(
        "every lease's key to go",
        LONG,
        () -> {
          poll.run();
          return java.util.Arrays.stream(deletedAt).allMatch(t -> t != 0);
        });

    long maxLateMs = Long.MIN_VALUE;
    long minMarginMs = Long.MAX_VALUE;
    for (int i = 0; i < count; i++) {
      long earliest = sent[i] + TimeUnit.SECONDS.toNanos(TTL);
      long latest =
          acked[i] + TimeUnit.SECONDS.toNanos(TTL) + ELECTION_TIMEOUT.plus(SLACK).toNanos();
      assertThat(deletedAt[i] - earliest).as("lease %d expired early", i).isNotNegative();
      assertThat(deletedAt[i] - latest).as("lease %d expired late", i).isNotPositive();
      maxLateMs =
          Math.max(
              maxLateMs,
              TimeUnit.NANOSECONDS.toMillis(
                  deletedAt[i] - acked[i] - TimeUnit.SECONDS.toNanos(TTL)));
      minMarginMs = Math.min(minMarginMs, TimeUnit.NANOSECONDS.toMillis(deletedAt[i] - earliest));
    }
    System.out.printf(
        "LeaseFailoverIT: %d leases granted in %d ms, leader kills %s; latest expiry %d ms after"
            + " its deadline, earliest %d ms after the grant was sent plus the TTL%n",
        count, grantMs, kills, maxLateMs, minMarginMs);
  }

  /** The keys under {@code prefix} by a linearizable read, or null if no member answered. */
  private static @Nullable Set<String> aliveKeys(TestCluster c, String prefix) {
    for (Member m : c.running()) {
      try {
        var r =
            m.kv()
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .range(
                    RangeRequest.newBuilder()
                        .setKey(bytes(prefix))
                        .setRangeEnd(bytes(prefix.substring(0, prefix.length() - 1) + "0"))
                        .setKeysOnly(true)
                        .build());
        Set<String> keys = new java.util.HashSet<>();
        r.getKvsList().forEach(kv -> keys.add(kv.getKey().toStringUtf8()));
        return keys;
      } catch (RuntimeException e) {
        // A member being killed or without a leader: try the next.
      }
    }
    return null;
  }

  private static LeaseGrpc.LeaseBlockingStub lease(Member m) {
    return LeaseGrpc.newBlockingStub(m.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  private static LeaseGrantRequest grant(long ttl) {
    return LeaseGrantRequest.newBuilder().setTTL(ttl).build();
  }

  private static void put(Member m, String key, long lease) {
    m.kv()
        .put(
            PutRequest.newBuilder()
                .setKey(bytes(key))
                .setValue(bytes("v"))
                .setLease(lease)
                .build());
  }

  /** Whether a running member answers a linearizable read with the key (failures retry). */
  private static boolean exists(TestCluster c, String key) {
    RuntimeException last = null;
    for (Member m : c.running()) {
      try {
        return m.kv().range(RangeRequest.newBuilder().setKey(bytes(key)).build()).getCount() > 0;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last != null ? last : new IllegalStateException("no member running");
  }

  /** Keeps {@code id} alive through the followers until {@code untilNanos}, once a second. */
  private void keepAliveUntil(TestCluster c, long id, long untilNanos) {
    TestCluster.await(
        "keep-alives until the kill",
        LONG,
        () -> {
          keepAlive(c, id);
          return System.nanoTime() - untilNanos >= 0;
        });
  }

  /** When the last keep-alive was sent (test thread only). */
  private long lastKeepAlive;

  /**
   * One keep-alive of {@code id} through a follower (any running member if there is no leader), at
   * most once a second; a failure is left to the next call.
   */
  private void keepAlive(TestCluster c, long id) {
    long now = System.nanoTime();
    if (now - lastKeepAlive < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    lastKeepAlive = now;
    Optional<Member> leader = c.leader();
    List<Member> targets =
        c.running().stream().filter(m -> leader.isEmpty() || m != leader.get()).toList();
    if (targets.isEmpty()) {
      return;
    }
    CompletableFuture<LeaseKeepAliveResponse> reply = new CompletableFuture<>();
    StreamObserver<LeaseKeepAliveRequest> requests =
        LeaseGrpc.newStub(targets.get(0).channel())
            .withDeadlineAfter(3, TimeUnit.SECONDS)
            .leaseKeepAlive(
                new StreamObserver<>() {
                  @Override
                  public void onNext(LeaseKeepAliveResponse r) {
                    reply.complete(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    reply.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
    requests.onCompleted();
    try {
      LeaseKeepAliveResponse r = reply.get(3, TimeUnit.SECONDS);
      assertThat(r.getTTL()).as("keep-alive of a live lease").isEqualTo(KEPT_TTL);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // During the election: the next call tries again.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
