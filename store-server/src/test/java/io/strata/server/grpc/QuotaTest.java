package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strata.api.etcdserverpb.AlarmRequest;
import io.strata.api.etcdserverpb.AlarmType;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.StatusRequest;
import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writes beyond --quota-backend-bytes raise NOSPACE and are refused with etcd's error. */
@Timeout(120)
class QuotaTest {
  private static final String NO_SPACE = "etcdserver: mvcc: database space exceeded";

  @TempDir Path dir;

  @Test
  void writesPastQuota_raiseNoSpace_untilDisarmed() throws IOException {
    ServerConfig base =
        ServerConfig.singleMember("q1", dir.resolve("q1"), TestPorts.free(), TestPorts.free());
    ServerConfig config = base.toBuilder().quotaBackendBytes(512 * 1024).build();
    try (StoreServer server = StoreServer.start(config, () -> {})) {
      server.awaitLeader();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().build();
      try {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        MaintenanceGrpc.MaintenanceBlockingStub maintenance =
            MaintenanceGrpc.newBlockingStub(channel);
        ByteString value = ByteString.copyFrom(new byte[64 * 1024]);
        StatusRuntimeException refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
          try {
            kv.put(PutRequest.newBuilder().setKey(key("k" + i)).setValue(value).build());
          } catch (StatusRuntimeException e) {
            refused = e;
          }
        }
        assertThat(refused).as("a put beyond the quota is refused").isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getStatus().getDescription()).isEqualTo(NO_SPACE);

        var alarms = maintenance.alarm(AlarmRequest.getDefaultInstance()).getAlarmsList();
        assertThat(alarms).extracting(a -> a.getAlarm()).containsExactly(AlarmType.NOSPACE);
        assertThat(maintenance.status(StatusRequest.getDefaultInstance()).getErrorsList())
            .singleElement()
            .asString()
            .contains("alarm:NOSPACE");
        // Small writes are refused too while the alarm is raised; deletes free space.
        assertThatThrownBy(
                () ->
                    kv.put(PutRequest.newBuilder().setKey(key("small")).setValue(key("v")).build()))
            .hasMessageContaining(NO_SPACE);
        assertThat(
                kv.deleteRange(
                        DeleteRangeRequest.newBuilder()
                            .setKey(key("k"))
                            .setRangeEnd(key("l"))
                            .build())
                    .getDeleted())
            .isPositive();

        maintenance.alarm(
            AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                .setAlarm(AlarmType.NOSPACE)
                .build());
        assertThat(maintenance.alarm(AlarmRequest.getDefaultInstance()).getAlarmsList()).isEmpty();
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static ByteString key(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
