package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.Member;
import io.strata.api.etcdserverpb.MemberAddRequest;
import io.strata.api.etcdserverpb.MemberListRequest;
import io.strata.api.etcdserverpb.MemberUpdateRequest;
import io.strata.api.etcdserverpb.MemberUpdateResponse;
import io.strata.api.etcdserverpb.MoveLeaderRequest;
import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MemberList shows the members with their published client URLs; MoveLeader's and MemberUpdate's
 * etcd errors.
 */
@Timeout(60)
class ClusterServiceTest {
  @TempDir Path dir;

  @Test
  void memberList_andMoveLeaderErrors() throws Exception {
    int client = TestPorts.free();
    try (StoreServer server =
        StoreServer.start(
            ServerConfig.singleMember("c1", dir.resolve("c1"), client, TestPorts.free()),
            () -> {})) {
      server.awaitLeader();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", client).usePlaintext().build();
      try {
        ClusterGrpc.ClusterBlockingStub cluster = ClusterGrpc.newBlockingStub(channel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Member self;
        do {
          self = cluster.memberList(MemberListRequest.getDefaultInstance()).getMembers(0);
          TimeUnit.MILLISECONDS.sleep(20);
        } while (self.getClientURLsCount() == 0 && System.nanoTime() < deadline);
        assertThat(self.getName()).isEqualTo("c1");
        assertThat(self.getID()).isEqualTo(server.members().identity().memberId());
        assertThat(self.getClientURLsList()).containsExactly("http://127.0.0.1:" + client);
        assertThat(self.getPeerURLsCount()).isEqualTo(1);
        assertThat(self.getIsLearner()).isFalse();

        MaintenanceGrpc.MaintenanceBlockingStub maintenance =
            MaintenanceGrpc.newBlockingStub(channel);
        try {
          maintenance.moveLeader(MoveLeaderRequest.newBuilder().setTargetID(12345).build());
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: bad leader transferee");
          return;
        }
        throw new AssertionError("move-leader to an unknown member must fail");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * MemberUpdate's etcd errors, and an update of a member that has not started (nothing in the Raft
   * group changes; it will join with its new URL).
   */
  @Test
  void memberUpdate_errorsAndUnstartedMember() throws Exception {
    int client = TestPorts.free();
    try (StoreServer server =
        StoreServer.start(
            ServerConfig.singleMember("c1", dir.resolve("c1"), client, TestPorts.free()),
            () -> {})) {
      server.awaitLeader();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", client).usePlaintext().build();
      try {
        ClusterGrpc.ClusterBlockingStub cluster =
            ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        long self = server.members().identity().memberId();
        String selfUrl =
            cluster.memberList(MemberListRequest.getDefaultInstance()).getMembers(0).getPeerURLs(0);
        long added =
            cluster
                .memberAdd(
                    MemberAddRequest.newBuilder()
                        .addPeerURLs("http://127.0.0.1:2")
                        .setIsLearner(true)
                        .build())
                .getMember()
                .getID();

        assertRefused(
            () -> cluster.memberUpdate(update(1234, "http://127.0.0.1:3")),
            Status.Code.NOT_FOUND,
            "etcdserver: member not found");
        assertRefused(
            () -> cluster.memberUpdate(update(self, "http://127.0.0.1:2")),
            Status.Code.FAILED_PRECONDITION,
            "etcdserver: Peer URLs already exists");
        assertRefused(
            () -> cluster.memberUpdate(update(added, selfUrl)),
            Status.Code.FAILED_PRECONDITION,
            "etcdserver: Peer URLs already exists");
        assertRefused(
            () -> cluster.memberUpdate(MemberUpdateRequest.newBuilder().setID(added).build()),
            Status.Code.INVALID_ARGUMENT,
            null);

        MemberUpdateResponse r = cluster.memberUpdate(update(added, "http://127.0.0.1:3"));
        assertThat(r.getHeader().getMemberId()).isEqualTo(self);
        assertThat(r.getMembersList())
            .extracting(Member::getID)
            .containsExactlyInAnyOrder(self, added);
        assertThat(r.getMembersList())
            .filteredOn(m -> m.getID() == added)
            .singleElement()
            .satisfies(
                m -> {
                  assertThat(m.getPeerURLsList()).containsExactly("http://127.0.0.1:3");
                  assertThat(m.getIsLearner()).isTrue();
                  assertThat(m.getName()).isEmpty();
                });
        // Its own URLs again: not taken by another member.
        cluster.memberUpdate(update(self, selfUrl));
        assertThat(cluster.memberList(MemberListRequest.getDefaultInstance()).getMembersList())
            .extracting(m -> m.getPeerURLs(0))
            .containsExactlyInAnyOrder(selfUrl, "http://127.0.0.1:3");
        // The learner's old URL is free again for an update.
        cluster.memberUpdate(update(self, "http://127.0.0.1:2"));
        cluster.memberUpdate(update(self, selfUrl));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static MemberUpdateRequest update(long id, String url) {
    return MemberUpdateRequest.newBuilder().setID(id).addPeerURLs(url).build();
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      Status.Code code,
      @org.jspecify.annotations.Nullable String message) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              if (message != null) {
                assertThat(e.getStatus().getDescription()).isEqualTo(message);
              }
            });
  }
}
