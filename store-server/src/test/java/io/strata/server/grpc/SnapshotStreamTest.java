package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.SnapshotRequest;
import io.strata.api.etcdserverpb.SnapshotResponse;
import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.backup.SnapshotArchive;
import io.strata.core.mvcc.MvccStore;
import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Maintenance.Snapshot streams a consistent store with etcd's SHA-256 trailer message. */
@Timeout(120)
class SnapshotStreamTest {
  @TempDir Path dir;

  @Test
  void snapshot_streamsAConsistentStore_thatEtcdctlSaves() throws Exception {
    int client = TestPorts.free();
    try (StoreServer server =
        StoreServer.start(
            ServerConfig.singleMember("s1", dir.resolve("s1"), client, TestPorts.free()),
            () -> {})) {
      server.awaitLeader();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", client).usePlaintext().build();
      try {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        ByteString value = ByteString.copyFrom(new byte[1024]);
        for (int i = 0; i < 300; i++) {
          kv.put(PutRequest.newBuilder().setKey(bs("snap/" + i)).setValue(value).build());
        }
        int expectedHash = server.members().store().hashKv(0).hash();

        Iterator<SnapshotResponse> it =
            MaintenanceGrpc.newBlockingStub(channel).snapshot(SnapshotRequest.getDefaultInstance());
        List<SnapshotResponse> messages = new ArrayList<>();
        it.forEachRemaining(messages::add);
        assertThat(messages.size()).isGreaterThan(2);
        SnapshotResponse last = messages.get(messages.size() - 1);
        assertThat(last.getRemainingBytes()).isZero();
        assertThat(last.getBlob().size()).isEqualTo(32);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (SnapshotResponse m : messages.subList(0, messages.size() - 1)) {
          assertThat(m.getRemainingBytes()).isPositive();
          m.getBlob().writeTo(body);
        }
        assertThat(MessageDigest.getInstance("SHA-256").digest(body.toByteArray()))
            .isEqualTo(last.getBlob().toByteArray());

        body.write(last.getBlob().toByteArray());
        Path restored = dir.resolve("restored");
        SnapshotArchive.unpack(new ByteArrayInputStream(body.toByteArray()), restored);
        try (MvccStore copy = MvccStore.open(TmpRocksBackend.open(restored))) {
          assertThat(copy.hashKv(0).hash()).isEqualTo(expectedHash);
        }

        // etcdctl saves the same bytes.
        Path saved = dir.resolve("etcdctl.snap");
        ProcessBuilder pb =
            new ProcessBuilder(
                "etcdctl", "--endpoints=127.0.0.1:" + client, "snapshot", "save", saved.toString());
        pb.environment().put("ETCDCTL_API", "3");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("Snapshot saved at " + saved);
        assertThat(p.exitValue()).isZero();
        try (var in = Files.newInputStream(saved)) {
          SnapshotArchive.verify(in);
        }
        assertThat(Arrays.equals(Files.readAllBytes(saved), new byte[0])).isFalse();
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static ByteString bs(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
