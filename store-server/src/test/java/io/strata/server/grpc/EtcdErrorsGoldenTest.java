package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strata.api.etcdserverpb.CompactionRequest;
import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error a KV client can provoke gets etcd's gRPC code and exact message, over the wire from a
 * running member, and the table itself is pinned entry by entry.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdErrorsGoldenTest {
  private static final int MAX_REQUEST_BYTES = 4096;

  @TempDir static Path dir;
  private StoreServer server;
  private ManagedChannel channel;
  private KVGrpc.KVBlockingStub kv;

  @BeforeAll
  void start() throws IOException {
    ServerConfig base =
        ServerConfig.singleMember("e1", dir.resolve("e1"), TestPorts.free(), TestPorts.free());
    ServerConfig config = base.toBuilder().maxRequestBytes(MAX_REQUEST_BYTES).maxTxnOps(8).build();
    server = StoreServer.start(config, () -> {});
    server.awaitLeader();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().build();
    kv = KVGrpc.newBlockingStub(channel);
    for (int i = 0; i < 4; i++) {
      kv.put(put("k", "v" + i)); // revisions 2..5
    }
    kv.compact(CompactionRequest.newBuilder().setRevision(3).build());
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void table_isEtcds() {
    Map<String, Status.Code> t = EtcdErrors.table();
    assertThat(t).hasSize(60);
    // Per code, as in etcd's api/v3rpc/rpctypes/error.go.
    Map<Status.Code, Long> perCode =
        t.values().stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    c -> c, java.util.stream.Collectors.counting()));
    assertThat(perCode)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                Status.Code.INVALID_ARGUMENT, 18L,
                Status.Code.OUT_OF_RANGE, 3L,
                Status.Code.RESOURCE_EXHAUSTED, 2L,
                Status.Code.NOT_FOUND, 2L,
                Status.Code.FAILED_PRECONDITION, 23L,
                Status.Code.PERMISSION_DENIED, 1L,
                Status.Code.UNAUTHENTICATED, 1L,
                Status.Code.UNAVAILABLE, 9L,
                Status.Code.DATA_LOSS, 1L));
    assertThat(t.get("etcdserver: mvcc: required revision has been compacted"))
        .isEqualTo(Status.Code.OUT_OF_RANGE);
    assertThat(t.get("etcdserver: request is too large")).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(t.get("etcdserver: mvcc: database space exceeded"))
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(t.get("etcdserver: requested lease not found")).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(t.get("etcdserver: lease already exists"))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(t.get("etcdserver: no leader")).isEqualTo(Status.Code.UNAVAILABLE);
    // etcd 3.4.23 answers a learner's refusal with UNAVAILABLE (3.6 with FAILED_PRECONDITION).
    assertThat(t.get("etcdserver: rpc not supported for learner"))
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(t.get("etcdserver: permission denied")).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(t.get("etcdserver: invalid auth token")).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(t.get("etcdserver: corrupt cluster")).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(t.keySet()).allMatch(m -> m.startsWith("etcdserver: "));
  }

  @Test
  void requestTooLarge() {
    byte[] big = new byte[MAX_REQUEST_BYTES + 1];
    refused(
        () ->
            kv.put(
                PutRequest.newBuilder()
                    .setKey(bytes("big"))
                    .setValue(ByteString.copyFrom(big))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: request is too large");
  }

  @Test
  void emptyKey() {
    String m = "etcdserver: key is not provided";
    refused(() -> kv.put(put("", "v")), Status.Code.INVALID_ARGUMENT, m);
    refused(() -> kv.range(RangeRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT, m);
    refused(
        () -> kv.deleteRange(DeleteRangeRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        m);
    refused(
        () -> kv.txn(TxnRequest.newBuilder().addCompare(Compare.getDefaultInstance()).build()),
        Status.Code.INVALID_ARGUMENT,
        m);
  }

  @Test
  void revisions() {
    refused(
        () -> kv.range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(2).build()),
        Status.Code.OUT_OF_RANGE,
        "etcdserver: mvcc: required revision has been compacted");
    refused(
        () -> kv.range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(1000).build()),
        Status.Code.OUT_OF_RANGE,
        "etcdserver: mvcc: required revision is a future revision");
    refused(
        () -> kv.compact(CompactionRequest.newBuilder().setRevision(2).build()),
        Status.Code.OUT_OF_RANGE,
        "etcdserver: mvcc: required revision has been compacted");
    refused(
        () -> kv.compact(CompactionRequest.newBuilder().setRevision(1000).build()),
        Status.Code.OUT_OF_RANGE,
        "etcdserver: mvcc: required revision is a future revision");
  }

  @Test
  void txnRules() {
    TxnRequest.Builder tooMany = TxnRequest.newBuilder();
    for (int i = 0; i < 9; i++) {
      tooMany.addSuccess(
          RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes("k" + i))));
    }
    refused(
        () -> kv.txn(tooMany.build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: too many operations in txn request");
    refused(
        () ->
            kv.txn(
                TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("d", "1")))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("d", "2")))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: duplicate key given in txn request");
    refused(
        () -> kv.txn(TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance()).build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: key not found");
  }

  @Test
  void putFlagsAndLeases() {
    refused(
        () -> kv.put(put("k", "v").toBuilder().setIgnoreValue(true).build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: value is provided");
    refused(
        () -> kv.put(put("k", "v").toBuilder().setLease(7).setIgnoreLease(true).build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: lease is provided");
    refused(
        () -> kv.put(put("absent", "").toBuilder().setIgnoreValue(true).build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: key not found");
    refused(
        () -> kv.put(put("k", "v").toBuilder().setLease(12345).build()),
        Status.Code.NOT_FOUND,
        "etcdserver: requested lease not found");
  }

  @Test
  void invalidSortOption() {
    refused(
        () -> kv.range(RangeRequest.newBuilder().setKey(bytes("k")).setSortOrderValue(7).build()),
        Status.Code.INVALID_ARGUMENT,
        "etcdserver: invalid sort option");
  }

  private void refused(ThrowingCallable call, Status.Code code, String message) {
    long before = server.members().store().currentRevision();
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).isEqualTo(message);
            });
    assertThat(server.members().store().currentRevision()).isEqualTo(before);
  }

  private static PutRequest put(String key, String value) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
