package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.MemberAddRequest;
import io.strata.api.etcdserverpb.MemberAddResponse;
import io.strata.api.etcdserverpb.MemberListRequest;
import io.strata.api.etcdserverpb.MemberPromoteRequest;
import io.strata.api.etcdserverpb.MemberUpdateRequest;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.SnapshotRequest;
import io.strata.api.etcdserverpb.SnapshotResponse;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * etcd's learner rule on a real learner (a member process added with {@code member add --learner}
 * and started with {@code --initial-cluster-state existing}): it serves Status, serializable Range
 * and Snapshot, refuses everything else with etcd's error, and serves everything, linearizable
 * reads included, once it is promoted, without a restart.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LearnerIT {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final String REFUSED = "etcdserver: rpc not supported for learner";

  private @Nullable TestCluster cluster;

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void learner_servesOnlyStatusSerializableRangeAndSnapshot_untilPromoted(TestInfo info)
      throws Exception {
    TestCluster c = start(info, 1);
    TestCluster.Member voter = c.awaitLeader(LONG);
    voter.kv().put(put("k", "v1"));

    TestCluster.Member learner = c.newJoiningMember("m2", TestCluster.FAST_ELECTION);
    MemberAddResponse add = addAndStartLearner(c, voter, learner);

    assertThat(learner.status().getIsLearner()).isTrue();
    assertThat(voter.status().getIsLearner()).isFalse();
    TestCluster.await(
        "the learner to replicate k",
        LONG,
        () -> learner.kv().range(get("k").setSerializable(true).build()).getCount() == 1);
    Iterator<SnapshotResponse> snapshot =
        MaintenanceGrpc.newBlockingStub(learner.channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .snapshot(SnapshotRequest.getDefaultInstance());
    assertThat(snapshot.next().getBlob().size()).isPositive();
    while (snapshot.hasNext()) {
      snapshot.next();
    }

    refused(() -> learner.kv().range(get("k").build()));
    refused(() -> learner.kv().put(put("k", "v2")));
    refused(
        () ->
            LeaseGrpc.newBlockingStub(learner.channel())
                .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(10).build()));
    refused(
        () ->
            ClusterGrpc.newBlockingStub(learner.channel())
                .memberList(MemberListRequest.getDefaultInstance()));
    refused(
        () ->
            learner
                .maintenance()
                .hashKV(io.strata.api.etcdserverpb.HashKVRequest.getDefaultInstance()));
    refused(
        () ->
            HealthGrpc.newBlockingStub(learner.channel())
                .check(HealthCheckRequest.getDefaultInstance()));
    assertThat(watchError(learner).get(30, TimeUnit.SECONDS).getStatus())
        .satisfies(
            s -> {
              assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(s.getDescription()).isEqualTo(REFUSED);
            });

    promote(voter, add.getMember().getID());
    TestCluster.await("m2 to apply its promotion", LONG, () -> !learner.status().getIsLearner());
    // Clients retry UNAVAILABLE; the first write may meet the promotion still committing.
    TestCluster.await(
        "a write through m2",
        LONG,
        () -> {
          try {
            learner.kv().put(put("k", "v2"));
            return true;
          } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNAVAILABLE
                || REFUSED.equals(e.getStatus().getDescription())) {
              throw new IllegalStateException("write through the promoted member failed", e);
            }
            return false;
          }
        });
    // No restart: the member joined while running, and Ratis left such a promoted member unable
    // to serve a read index until the next leader change (see LearnerFixes).
    long leaderBefore = voter.status().getLeader();
    awaitLinearizableRead(learner, "k", "v2");
    assertThat(voter.status().getLeader()).as("no leader change").isEqualTo(leaderBefore);
  }

  /**
   * A learner that joined while running keeps replicating while leaders die. A new leader counts
   * every member as caught up, which starts the learner's Raft server; at the next leader loss it
   * must wait for the new leader, not campaign (a Ratis peer that campaigns outside the voters
   * shuts itself down).
   */
  @Test
  void learner_keepsReplicating_whileTwoLeadersAreKilled(TestInfo info) throws Exception {
    TestCluster c = start(info, 3);
    TestCluster.Member learner = c.newJoiningMember("m4", TestCluster.FAST_ELECTION);
    addAndStartLearner(c, c.awaitLeader(LONG), learner);

    for (int round = 1; round <= 2; round++) {
      TestCluster.Member killed = c.awaitLeader(LONG);
      c.kill(killed);
      String value = "round-" + round;
      TestCluster.await(
          "a write after killing " + killed.name(),
          LONG,
          () -> {
            try {
              c.awaitLeader(LONG).kv().put(put("k", value));
              return true;
            } catch (StatusRuntimeException e) {
              return false; // the leader changed again under the write
            }
          });
      awaitSerializableRead(learner, "k", value);
      assertThat(learner.status().getErrorsList()).as("learner errors").isEmpty();
      assertThat(learner.status().getIsLearner()).isTrue();
      c.restart(killed);
    }
  }

  /**
   * MemberUpdate of a learner, then its restart at the new peer URL: it takes its place in the
   * group as a learner again, replicates, and can still be promoted to a full voter.
   */
  @Test
  void learner_movedToANewPeerUrl_staysALearner_andCanBePromoted(TestInfo info) throws Exception {
    TestCluster c = start(info, 1);
    TestCluster.Member voter = c.awaitLeader(LONG);
    TestCluster.Member learner = c.newJoiningMember("m2", TestCluster.FAST_ELECTION);
    long id = addAndStartLearner(c, voter, learner).getMember().getID();
    voter.kv().put(put("k", "before"));
    awaitSerializableRead(learner, "k", "before");

    String newUrl = "http://127.0.0.1:" + TestPorts.free();
    ClusterGrpc.newBlockingStub(voter.channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .memberUpdate(MemberUpdateRequest.newBuilder().setID(id).addPeerURLs(newUrl).build());
    c.stop(learner);
    learner.setFlag("--listen-peer-urls", newUrl);
    learner.setFlag("--initial-advertise-peer-urls", newUrl);
    c.restart(learner);
    assertThat(learner.loggedSinceStart("moved to a new peer URL")).isTrue();
    assertThat(learner.status().getIsLearner()).isTrue();
    voter.kv().put(put("k", "after"));
    awaitSerializableRead(learner, "k", "after");

    promote(voter, id);
    awaitLinearizableRead(learner, "k", "after");
  }

  private static void promote(TestCluster.Member voter, long id) {
    TestCluster.await(
        "member " + Long.toHexString(id) + " promoted",
        LONG,
        () -> {
          try {
            ClusterGrpc.newBlockingStub(voter.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .memberPromote(MemberPromoteRequest.newBuilder().setID(id).build());
            return true;
          } catch (StatusRuntimeException e) {
            return false; // not caught up yet
          }
        });
  }

  private static void awaitSerializableRead(TestCluster.Member m, String key, String value) {
    TestCluster.await(
        m.name() + " to replicate " + key + "=" + value,
        LONG,
        () -> {
          var kvs = m.kv().range(get(key).setSerializable(true).build()).getKvsList();
          return !kvs.isEmpty() && kvs.get(0).getValue().toStringUtf8().equals(value);
        });
  }

  /** A linearizable read through {@code m}, once promoted, sees {@code value}; never refused. */
  private static void awaitLinearizableRead(TestCluster.Member m, String key, String value) {
    TestCluster.await(
        "a linearizable read through " + m.name() + " to see " + value,
        LONG,
        () -> {
          try {
            var kvs = m.kv().range(get(key).build()).getKvsList();
            return !kvs.isEmpty() && kvs.get(0).getValue().toStringUtf8().equals(value);
          } catch (StatusRuntimeException e) {
            if (REFUSED.equals(e.getStatus().getDescription())) {
              throw new IllegalStateException("read through the promoted member refused", e);
            }
            return false;
          }
        });
  }

  private TestCluster start(TestInfo info, int voters) throws java.io.IOException {
    return cluster =
        TestCluster.start(
            "LearnerIT/" + info.getTestMethod().orElseThrow().getName(),
            voters,
            TestCluster.FAST_ELECTION);
  }

  /**
   * MemberAdd as a learner through {@code voter}, then the first start of {@code learner} ({@code
   * --initial-cluster-state existing}): it joins a running cluster.
   */
  private static MemberAddResponse addAndStartLearner(
      TestCluster c, TestCluster.Member voter, TestCluster.Member learner) {
    MemberAddResponse add =
        ClusterGrpc.newBlockingStub(voter.channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .memberAdd(
                MemberAddRequest.newBuilder()
                    .addPeerURLs(learner.flag("--initial-advertise-peer-urls"))
                    .setIsLearner(true)
                    .build());
    c.restart(learner);
    return add;
  }

  /** The error a Watch stream on {@code m} ends with. */
  private static CompletableFuture<StatusRuntimeException> watchError(TestCluster.Member m) {
    CompletableFuture<StatusRuntimeException> error = new CompletableFuture<>();
    StreamObserver<WatchRequest> requests =
        WatchGrpc.newStub(m.channel())
            .watch(
                new StreamObserver<WatchResponse>() {
                  @Override
                  public void onNext(WatchResponse value) {
                    error.completeExceptionally(new AssertionError("watch served: " + value));
                  }

                  @Override
                  public void onError(Throwable t) {
                    error.complete(Status.fromThrowable(t).asRuntimeException());
                  }

                  @Override
                  public void onCompleted() {
                    error.completeExceptionally(new AssertionError("watch completed"));
                  }
                });
    requests.onNext(
        WatchRequest.newBuilder()
            .setCreateRequest(WatchCreateRequest.newBuilder().setKey(bytes("k")))
            .build());
    return error;
  }

  private static void refused(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).isEqualTo(REFUSED);
            });
  }

  private static RangeRequest.Builder get(String key) {
    return RangeRequest.newBuilder().setKey(bytes(key));
  }

  private static PutRequest put(String key, String value) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
