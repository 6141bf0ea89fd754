package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

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
 * watch-latency's accounting against a fake server whose first watcher never hears a put: the
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

  @Test
  void watchLatency_aDeafWatcher_countsItsEventsAsMissing() throws Exception {
    FakeEtcd fake = new FakeEtcd();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(fake.kv)
            .addService(fake.watch)
            .build()
            .start();
    LoadOptions o =
        LoadOptions.parse(
            Workload.WATCH_LATENCY,
            List.of(
                "--endpoints", "127.0.0.1:" + server.getPort(),
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

  /** Just enough of etcd for watch-latency: puts that notify every watcher but the first. */
  private static final class FakeEtcd {
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private long revision = 1;

    private record Watcher(long id, StreamObserver<WatchResponse> stream) {}

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
                  watchers.add(new Watcher(id, stream));
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
