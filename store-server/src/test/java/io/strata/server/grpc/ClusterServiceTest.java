package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.Member;
import io.strata.api.etcdserverpb.MemberListRequest;
import io.strata.api.etcdserverpb.MoveLeaderRequest;
import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MemberList shows the members with their published client URLs; MoveLeader's etcd errors. */
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
}
