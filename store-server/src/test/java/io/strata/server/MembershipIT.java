package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.Member;
import io.strata.api.etcdserverpb.MemberAddRequest;
import io.strata.api.etcdserverpb.MemberAddResponse;
import io.strata.api.etcdserverpb.MemberListRequest;
import io.strata.api.etcdserverpb.MemberPromoteRequest;
import io.strata.api.etcdserverpb.MemberRemoveRequest;
import io.strata.api.etcdserverpb.MemberUpdateRequest;
import io.strata.api.etcdserverpb.MemberUpdateResponse;
import io.strata.api.etcdserverpb.MoveLeaderRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * etcd's membership workflow on a running cluster under a writer: add a learner, start it with
 * {@code --initial-cluster-state existing}, promote it once it has caught up, twice (3 members to
 * 5), then remove both again (back to 3); and MemberUpdate followed by a restart at the new peer
 * URL. No acknowledged write is lost and every member that stays ends with the same key space.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MembershipIT {
  private static final Duration LONG = Duration.ofSeconds(60);

  /** Writes that must be acknowledged within each step: the writer never stalls for long. */
  private static final int PROGRESS = 100;

  private static final Duration STEP = Duration.ofSeconds(20);

  private @Nullable TestCluster cluster;

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void growToFiveThroughLearners_thenShrinkToThree_underAWriter(TestInfo info) throws Exception {
    TestCluster c =
        cluster =
            TestCluster.start(
                "MembershipIT/" + info.getTestMethod().orElseThrow().getName(),
                3,
                TestCluster.FAST_ELECTION);
    c.awaitLeader(LONG);
    List<TestCluster.Member> added = new ArrayList<>();
    try (RecordingWriter writer = new RecordingWriter(c, "mb", 2, 8, 1_000_000)) {
      writer.awaitAcked(PROGRESS, LONG);

      for (String name : List.of("m4", "m5")) {
        TestCluster.Member m = c.newJoiningMember(name, TestCluster.FAST_ELECTION);
        String peerUrl = m.flag("--initial-advertise-peer-urls");
        MemberAddResponse add =
            cluster(c)
                .memberAdd(
                    MemberAddRequest.newBuilder().addPeerURLs(peerUrl).setIsLearner(true).build());
        assertThat(add.getMember().getIsLearner()).isTrue();
        assertThat(add.getMembersList())
            .as("the added member is listed, unstarted (no name)")
            .anyMatch(x -> x.getID() == add.getMember().getID() && x.getName().isEmpty());

        c.restart(m); // first start: joins as a learner
        added.add(m);
        TestCluster.await(
            name + " listed as a started learner",
            LONG,
            () -> member(c, name).filter(Member::getIsLearner).isPresent());
        progress(writer);

        TestCluster.await(
            name + " promoted",
            LONG,
            () -> {
              try {
                ClusterGrpc.newBlockingStub(c.awaitLeader(LONG).channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .memberPromote(
                        MemberPromoteRequest.newBuilder().setID(add.getMember().getID()).build());
                return true;
              } catch (StatusRuntimeException e) {
                // Not caught up yet, or the leader moved: try again.
                return false;
              }
            });
        assertThat(member(c, name).orElseThrow().getIsLearner()).isFalse();
        progress(writer);
      }
      assertThat(members(c)).hasSize(5).noneMatch(Member::getIsLearner);
      System.out.printf("MembershipIT: grew to %s%n", names(c));
      for (TestCluster.Member m : added) {
        // Promoted while running, with no restart and no leader change: a full voter at once.
        TestCluster.await(
            m.name() + " to serve a linearizable read",
            LONG,
            () -> {
              try {
                m.kv()
                    .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("mb")).build());
                return true;
              } catch (StatusRuntimeException e) {
                return false;
              }
            });
      }

      for (TestCluster.Member m : added) {
        long id = member(c, m.name()).orElseThrow().getID();
        TestCluster.await(
            m.name() + " removed",
            LONG,
            () -> {
              try {
                cluster(c).memberRemove(MemberRemoveRequest.newBuilder().setID(id).build());
                return true;
              } catch (StatusRuntimeException e) {
                return member(c, m.name()).isEmpty();
              }
            });
        // Ratis stops a removed member's server; the process has nothing left to do.
        c.kill(m);
        progress(writer);
      }
      assertThat(members(c))
          .extracting(Member::getName)
          .containsExactlyInAnyOrder("m1", "m2", "m3");
      System.out.printf("MembershipIT: shrank to %s%n", names(c));
      writer.stop();

      long revision = c.awaitSameRevision(LONG);
      List<Integer> hashes = new ArrayList<>();
      for (TestCluster.Member m : c.running()) {
        assertThat(writer.missingOn(m, true)).as("acknowledged writes missing on %s", m).isEmpty();
        hashes.add(m.hashKv(revision).getHash());
      }
      assertThat(hashes).hasSize(3).containsOnly(hashes.get(0));
      System.out.printf(
          "MembershipIT: %d puts acknowledged, %d failed attempts retried; hash %d at revision %d%n",
          writer.acked(), writer.failures(), hashes.get(0), revision);
    }
  }

  /**
   * etcd's MemberUpdate, then the restart it calls for: a follower gets a new peer URL (same id),
   * is restarted listening on it, takes its place in the Raft group at the new address, catches up,
   * leads (so the others reach it there too) and ends with the same data, under a writer; a second
   * restart finds it already moved.
   */
  @Test
  void updatePeerUrl_restartOnNewPort_keepsReplicating(TestInfo info) throws Exception {
    TestCluster c =
        cluster =
            TestCluster.start(
                "MembershipIT/" + info.getTestMethod().orElseThrow().getName(),
                3,
                TestCluster.FAST_ELECTION);
    TestCluster.Member moved = c.followers(LONG).get(0);
    TestCluster.Member other = c.running().stream().filter(m -> m != moved).findFirst().get();
    try (RecordingWriter writer = new RecordingWriter(c, "up", 2, 8, 1_000_000)) {
      writer.awaitAcked(PROGRESS, LONG);
      Member before = member(c, moved.name()).orElseThrow();
      String newUrl = "http://127.0.0.1:" + TestPorts.free();

      MemberUpdateResponse update =
          ClusterGrpc.newBlockingStub(other.channel())
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .memberUpdate(
                  MemberUpdateRequest.newBuilder()
                      .setID(before.getID())
                      .addPeerURLs(newUrl)
                      .build());
      assertThat(update.getMembersList())
          .filteredOn(m -> m.getID() == before.getID())
          .singleElement()
          .satisfies(m -> assertThat(m.getPeerURLsList()).containsExactly(newUrl));
      TestCluster.await(
          "the new peer URL in member list",
          LONG,
          () -> member(c, moved.name()).orElseThrow().getPeerURLsList().equals(List.of(newUrl)));
      progress(writer);

      c.stop(moved);
      moved.setFlag("--listen-peer-urls", newUrl);
      moved.setFlag("--initial-advertise-peer-urls", newUrl);
      c.restart(moved);
      assertThat(moved.loggedSinceStart("moved to a new peer URL")).isTrue();
      Member after = member(c, moved.name()).orElseThrow();
      assertThat(after.getID()).isEqualTo(before.getID());
      assertThat(after.getPeerURLsList()).containsExactly(newUrl);
      assertThat(members(c)).hasSize(3).noneMatch(Member::getIsLearner);
      assertThat(moved.status().getHeader().getMemberId()).isEqualTo(before.getID());
      progress(writer);

      // The others reach it at the new address: it can lead them.
      TestCluster.await(
          moved.name() + " leads",
          LONG,
          () -> {
            try {
              c.awaitLeader(LONG)
                  .maintenance()
                  .moveLeader(MoveLeaderRequest.newBuilder().setTargetID(before.getID()).build());
            } catch (StatusRuntimeException e) {
              // not caught up yet, or leadership moved meanwhile: ask again
            }
            return moved.status().getLeader() == before.getID();
          });
      progress(writer);

      // Restarted again with the same flags, it is already in place.
      c.stop(moved);
      c.restart(moved);
      assertThat(moved.loggedSinceStart("moved to a new peer URL")).isFalse();
      progress(writer);
      writer.stop();

      long revision = c.awaitSameRevision(LONG);
      List<Integer> hashes = new ArrayList<>();
      for (TestCluster.Member m : c.running()) {
        assertThat(writer.missingOn(m, true)).as("acknowledged writes missing on %s", m).isEmpty();
        hashes.add(m.hashKv(revision).getHash());
      }
      assertThat(hashes).hasSize(3).containsOnly(hashes.get(0));
      System.out.printf(
          "MembershipIT: moved %s to %s; %d puts acknowledged; hash %d at revision %d%n",
          moved, newUrl, writer.acked(), hashes.get(0), revision);
    }
  }

  /** The writer gets another {@link #PROGRESS} puts acknowledged within {@link #STEP}. */
  private static void progress(RecordingWriter writer) {
    writer.awaitAcked(writer.acked() + PROGRESS, STEP);
  }

  private static ClusterGrpc.ClusterBlockingStub cluster(TestCluster c) {
    return ClusterGrpc.newBlockingStub(c.running().get(0).channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static List<Member> members(TestCluster c) {
    return cluster(c).memberList(MemberListRequest.getDefaultInstance()).getMembersList();
  }

  private static Optional<Member> member(TestCluster c, String name) {
    return members(c).stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  private static List<String> names(TestCluster c) {
    return members(c).stream().map(Member::getName).toList();
  }
}
