package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading its watch stream blocks neither writes nor other watchers, and when
 * it reads again it gets every event, in order, exactly once.
 */
@Timeout(180)
class SlowWatcherTest {
  private static final int WRITES = 5000;

  @TempDir Path dir;

  /** Collects events; starts without asking gRPC for any message when {@code paused}. */
  private static final class Client implements ClientResponseObserver<WatchRequest, WatchResponse> {
    final List<Long> revisions = new ArrayList<>();
    final boolean paused;
    final CountDownLatch created = new CountDownLatch(1);
    final AtomicReference<ClientCallStreamObserver<WatchRequest>> call = new AtomicReference<>();

    Client(boolean paused) {
      this.paused = paused;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
      call.set(requestStream);
      if (paused) {
        requestStream.disableAutoRequestWithInitial(1); // read the created response only
      }
    }

    @Override
    public synchronized void onNext(WatchResponse r) {
      if (r.getCreated()) {
        created.countDown();
      }
      r.getEventsList().forEach(e -> revisions.add(e.getKv().getModRevision()));
    }

    synchronized int count() {
      return revisions.size();
    }

    synchronized List<Long> snapshot() {
      return List.copyOf(revisions);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  @Test
  void stalledStream_isIsolated_andLosesNothing() throws Exception {
    try (StoreServer server =
        StoreServer.start(
            ServerConfig.singleMember("sw", dir.resolve("sw"), TestPorts.free(), TestPorts.free()),
            () -> {})) {
      server.awaitLeader();
      ManagedChannel slowChannel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().build();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().build();
      try {
        Client slow = new Client(true);
        Client fast = new Client(false);
        watch(slowChannel, slow);
        watch(channel, fast);
        assertThat(slow.created.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(fast.created.await(20, TimeUnit.SECONDS)).isTrue();

        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        ByteString value = ByteString.copyFrom(new byte[512]);
        long first = 0;
        for (int i = 0; i < WRITES; i++) {
          long rev =
              kv.put(PutRequest.newBuilder().setKey(bs("slow/" + (i % 50))).setValue(value).build())
                  .getHeader()
                  .getRevision();
          first = first == 0 ? rev : first;
        }
        // Writes completed and the other stream kept up while one client read nothing.
        await(() -> fast.count() == WRITES);
        assertThat(slow.count()).isLessThan(WRITES);

        slow.call.get().request(Integer.MAX_VALUE);
        await(() -> slow.count() == WRITES);
        List<Long> expected = new ArrayList<>();
        for (long r = first; r < first + WRITES; r++) {
          expected.add(r);
        }
        assertThat(slow.snapshot()).containsExactlyElementsOf(expected);
        assertThat(fast.snapshot()).containsExactlyElementsOf(expected);
      } finally {
        slowChannel.shutdownNow();
        channel.shutdownNow();
      }
    }
  }

  private static void watch(ManagedChannel channel, Client client) {
    StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(client);
    requests.onNext(
        WatchRequest.newBuilder()
            .setCreateRequest(
                WatchCreateRequest.newBuilder().setKey(bs("slow/")).setRangeEnd(bs("slow0")))
            .build());
  }

  private static void await(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 60 s").isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  private static ByteString bs(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
