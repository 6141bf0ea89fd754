package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import io.strata.api.mvccpb.KeyValue;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watch workloads' accounting against a fake server whose first watcher never hears a put: the
 * events it misses must show up as errors, not vanish into the total of the others.
 */
@Timeout(60)
class WatchAccountingTest {
  private Server server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private int startFake() throws java.io.IOException {
    FakeEtcd fake = new FakeEtcd();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(fake.kv)
            .addService(fake.watch)
            .build()
            .start();
    return server.getPort();
  }

  @Test
  void watch_aDeafWatcher_countsThePutsToItsKeyAsMissing() throws Exception {
    int port = startFake();
    // Four watchers of two keys, two each: watchers 0 and 2 watch key 0, 1 and 3 key 1. Six puts
    // alternate between the keys, so whichever watcher is deaf misses three.
    LoadOptions o =
        LoadOptions.parse(
            Workload.WATCH,
            List.of(
                "--endpoints",
                "127.0.0.1:" + port,
                "--streams",
                "2",
                "--watch-per-stream",
                "2",
                "--watched-key-total",
                "2",
                "--sequential-keys",
                "--key-space-size",
                "2",
                "--put-total",
                "6",
                "--request-timeout",
                "1s"));

    LoadResult r = new LoadGenerator(o, null).run();

    assertThat(r.ok()).isEqualTo(9); // 6 puts x 2 watchers, less the deaf one's 3
    assertThat(r.errors()).containsExactly(java.util.Map.entry("MISSING_EVENT", 3L));
    assertThat(r.details().get("expected_events").longValue()).isEqualTo(12);
    assertThat(r.details().get("watched_keys").longValue()).isEqualTo(2);
  }

  @Test
  void watchLatency_aDeafWatcher_countsItsEventsAsMissing() throws Exception {
    int port = startFake();
    LoadOptions o =
        LoadOptions.parse(
            Workload.WATCH_LATENCY,
            List.of(
                "--endpoints", "127.0.0.1:" + port,
                "--watchers", "3",
                "--streams", "1",
                "--put-rate", "0",
                "--total", "5",
                "--request-timeout", "1s"));

    LoadResult r = new LoadGenerator(o, null).run();

    assertThat(r.ok()).isEqualTo(10); // two watchers heard five puts each
    assertThat(r.errors()).containsExactly(java.util.Map.entry("MISSING_EVENT", 5L));
    assertThat(r.details().get("puts").longValue()).isEqualTo(5);
  }

  /**
   * Just enough of etcd for the watch workloads: a put notifies every watcher of its key but the
   * first watcher created.
   */
  private static final class FakeEtcd {
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private long revision = 1;

    private record Watcher(long id, ByteString key, StreamObserver<WatchResponse> stream) {}

    final KVGrpc.KVImplBase kv =
        new KVGrpc.KVImplBase() {
          @Override
          public void put(PutRequest request, StreamObserver<PutResponse> response) {
            long rev;
            synchronized (FakeEtcd.this) {
              rev = ++revision;
              Event event =
                  Event.newBuilder()
                      .setType(Event.EventType.PUT)
                      .setKv(
                          KeyValue.newBuilder()
                              .setKey(request.getKey())
                              .setValue(request.getValue())
                              .setModRevision(rev))
                      .build();
              for (Watcher w : watchers.subList(1, watchers.size())) {
                if (!w.key().equals(request.getKey())) {
                  continue;
                }
                synchronized (w.stream()) {
                  w.stream()
                      .onNext(
                          WatchResponse.newBuilder().setWatchId(w.id()).addEvents(event).build());
                }
              }
            }
            response.onNext(
                PutResponse.newBuilder()
                    .setHeader(ResponseHeader.newBuilder().setRevision(rev))
                    .build());
            response.onCompleted();
          }
        };

    final WatchGrpc.WatchImplBase watch =
        new WatchGrpc.WatchImplBase() {
          @Override
          public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> stream) {
            return new StreamObserver<>() {
              private long nextId;

              @Override
              public void onNext(WatchRequest request) {
                if (!request.hasCreateRequest()) {
                  return;
                }
                long id = nextId++;
                synchronized (FakeEtcd.this) {
                  watchers.add(new Watcher(id, request.getCreateRequest().getKey(), stream));
                }
                synchronized (stream) {
                  stream.onNext(WatchResponse.newBuilder().setWatchId(id).setCreated(true).build());
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                synchronized (stream) {
                  stream.onCompleted();
                }
              }
            };
          }
        };
  }
}
