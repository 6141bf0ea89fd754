package io.strata.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the fault runs' watchers rely on when they resume: a watch created with a start revision
 * ahead of the member's current revision (a member that restarted and is still re-applying its log)
 * delivers nothing older than that revision, then every event from it on, once each.
 */
@Timeout(120)
class WatchResumeTest {
  @TempDir Path dir;

  @Test
  void futureStartRevision_deliversFromThatRevisionOnly() throws Exception {
    try (StoreServer server =
        StoreServer.start(
            ServerConfig.singleMember("r1", dir.resolve("r1"), TestPorts.free(), TestPorts.free()),
            () -> {})) {
      server.awaitLeader();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().build();
      try {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        long now = put(kv, "f/a", "0");
        BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> requests =
            WatchGrpc.newStub(channel)
                .watch(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(WatchResponse r) {
                        responses.add(r);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    });
        requests.onNext(
            WatchRequest.newBuilder()
                .setCreateRequest(
                    WatchCreateRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8("f/"))
                        .setRangeEnd(ByteString.copyFromUtf8("f0"))
                        .setStartRevision(now + 3))
                .build());
        for (int i = 1; i <= 5; i++) {
          put(kv, "f/" + i, Integer.toString(i));
        }
        List<Long> revisions = new ArrayList<>();
        while (revisions.size() < 3) {
          WatchResponse r = responses.poll(20, TimeUnit.SECONDS);
          assertThat(r).as("a watch response within 20 s").isNotNull();
          for (Event e : r.getEventsList()) {
            revisions.add(e.getKv().getModRevision());
          }
        }
        assertThat(revisions).containsExactly(now + 3, now + 4, now + 5);
        requests.onCompleted();
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static long put(KVGrpc.KVBlockingStub kv, String key, String value) {
    return kv.put(
            PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value))
                .build())
        .getHeader()
        .getRevision();
  }
}
