package io.strata.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.MoveLeaderRequest;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.core.failpoint.FailPoints;
import io.strata.server.TestCluster;
import io.strata.server.TestCluster.Member;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression test for the first bug the fault runs found (docs/robustness.md, seed 206): a leader
 * that stepped down while a write it had appended was still pending got a NotLeaderException for
 * it, and RaftNode sent the command again under a new call id; the next leader had already
 * committed the original entry, so the command was applied twice. A delete reported "deleted 0"
 * after it had deleted the key.
 *
 * <p>Here the leader's apply is slowed by a failpoint (sleep after the RocksDB commit), a delete is
 * sent to it, and leadership moves away while the delete waits for that apply. The client must get
 * either the delete's real answer (1 deleted) or an error (outcome unknown), never "0 deleted".
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DuplicateApplyOnStepDownIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void writePendingWhenTheLeaderStepsDown_isAppliedOnce() throws Exception {
    try (TestCluster c =
        TestCluster.start("DuplicateApplyOnStepDownIT", 3, TestCluster.FAST_ELECTION)) {
      Member slow = c.followers(WAIT).get(0);
      c.kill(slow);
      c.restart(
          slow,
          List.of(
              "-D" + FailPoints.PROPERTY + "=" + FailPoints.APPLY_AFTER_COMMIT + "=sleep(4000)"));
      TestCluster.await(
          "the slow member to lead",
          WAIT,
          () -> {
            Member leader = c.awaitLeader(WAIT);
            if (leader != slow) {
              moveLeader(leader, slow); // fails while the slow member catches up: retried
            }
            return c.leader().orElse(null) == slow;
          });
      Member next = c.members().stream().filter(m -> m != slow).findFirst().orElseThrow();
      // Written through another member, so the slow leader's reply path is not involved.
      // The leader applies every entry 4 s late, so this setup write may time out on its way:
      // retry it until it is acknowledged (the same key and value, so a repeat changes nothing
      // the test looks at).
      TestCluster.await(
          "the setup write acknowledged",
          WAIT,
          () -> {
            try {
              next.kv()
                  .put(PutRequest.newBuilder().setKey(bytes("dup/k")).setValue(bytes("v")).build());
              return true;
            } catch (io.grpc.StatusRuntimeException e) {
              return false;
            }
          });

      CompletableFuture<DeleteRangeResponse> delete =
          CompletableFuture.supplyAsync(
              () ->
                  slow.kv()
                      .deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("dup/k")).build()));
      // The delete is committed within a heartbeat or two; its apply on the leader sleeps 4 s.
      TestCluster.await(
          "the delete to be committed",
          WAIT,
          () ->
              next.kv()
                      .range(
                          io.strata.api.etcdserverpb.RangeRequest.newBuilder()
                              .setKey(bytes("dup/k"))
                              .build())
                      .getCount()
                  == 0);
      moveLeader(slow, next);

      try {
        DeleteRangeResponse r = delete.get(60, TimeUnit.SECONDS);
        assertThat(r.getDeleted()).as("the delete that deleted the key reports it").isEqualTo(1);
      } catch (java.util.concurrent.ExecutionException e) {
        // Outcome unknown to the client (etcd's "leader changed"): allowed.
        assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
      }
    }
  }

  private static void moveLeader(Member leader, Member target) {
    long id = target.status().getHeader().getMemberId();
    MaintenanceGrpc.newBlockingStub(leader.channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .moveLeader(MoveLeaderRequest.newBuilder().setTargetID(id).build());
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
