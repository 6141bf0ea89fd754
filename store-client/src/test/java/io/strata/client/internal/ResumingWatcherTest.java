package io.strata.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import io.strata.api.mvccpb.KeyValue;
import io.strata.client.Client;
import io.strata.client.CompactedException;
import io.strata.client.WatchListener;
import io.strata.client.WatchOptions;
import io.strata.client.Watcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The watch resumes after a broken stream without repeating or losing a revision. */
@Timeout(30)
class ResumingWatcherTest {
  /** A Watch member that answers each create with a script, recording the create requests. */
  static final class ScriptedWatch extends WatchGrpc.WatchImplBase {
    final BlockingQueue<WatchRequest> creates = new LinkedBlockingQueue<>();
    final BiConsumer<WatchRequest, StreamObserver<WatchResponse>> script;

    ScriptedWatch(BiConsumer<WatchRequest, StreamObserver<WatchResponse>> script) {
      this.script = script;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(WatchRequest r) {
          if (r.hasCreateRequest()) {
            creates.add(r);
            script.accept(r, out);
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
  }

  static WatchResponse created(long revision) {
    return WatchResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(revision))
        .setCreated(true)
        .build();
  }

  static WatchResponse events(long revision, int count) {
    WatchResponse.Builder b =
        WatchResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(revision));
    for (int i = 0; i < count; i++) {
      b.addEvents(
          Event.newBuilder()
              .setKv(
                  KeyValue.newBuilder()
                      .setKey(ByteString.copyFromUtf8("k" + i))
                      .setModRevision(revision)));
    }
    return b.build();
  }

  static final class Recording implements WatchListener {
    final List<Long> revisions = new CopyOnWriteArrayList<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();

    @Override
    public void onNext(WatchResponse response) {
      response.getEventsList().forEach(e -> revisions.add(e.getKv().getModRevision()));
    }

    @Override
    public void onError(Throwable t) {
      error.complete(t);
    }
  }

  private static Client client(String... endpoints) {
    return Client.builder()
        .endpoints(endpoints)
        .retry(5, Duration.ofMillis(10), Duration.ofMillis(50))
        .build();
  }

  @Test
  void watch_streamBreaks_resumesAfterLastDeliveredRevisionOnNextMember() throws Exception {
    ScriptedWatch first =
        new ScriptedWatch(
            (req, out) -> {
              out.onNext(created(10));
              out.onNext(events(11, 1));
              out.onNext(events(12, 2));
              out.onError(Status.UNAVAILABLE.withDescription("member died").asRuntimeException());
            });
    ScriptedWatch second =
        new ScriptedWatch(
            (req, out) -> {
              out.onNext(created(13));
              out.onNext(events(12, 2)); // a replay of what was delivered: must be dropped
              out.onNext(events(13, 1));
            });
    Recording listener = new Recording();
    try (FakeEtcd a = new FakeEtcd(first);
        FakeEtcd b = new FakeEtcd(second);
        Client c = client(a.endpoint(), b.endpoint());
        Watcher w = c.watch().watch(ByteString.copyFromUtf8("k"), WatchOptions.DEFAULT, listener)) {
      WatchRequest resumed = second.creates.poll(10, TimeUnit.SECONDS);
      assertThat(resumed).isNotNull();
      assertThat(resumed.getCreateRequest().getStartRevision()).isEqualTo(13);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (listener.revisions.size() < 4 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10); // poll interval while the events arrive
      }
      assertThat(listener.revisions).containsExactly(11L, 12L, 12L, 13L);
      assertThat(w.nextRevision()).isEqualTo(14);
    }
  }

  @Test
  void watch_compacted_endsWithTypedException() throws Exception {
    ScriptedWatch compacted =
        new ScriptedWatch(
            (req, out) -> {
              out.onNext(created(20));
              out.onNext(
                  WatchResponse.newBuilder()
                      .setHeader(ResponseHeader.newBuilder().setRevision(20))
                      .setCanceled(true)
                      .setCompactRevision(15)
                      .setCancelReason("etcdserver: mvcc: required revision has been compacted")
                      .build());
            });
    Recording listener = new Recording();
    try (FakeEtcd a = new FakeEtcd(compacted);
        Client c = client(a.endpoint());
        Watcher w =
            c.watch()
                .watch(
                    ByteString.copyFromUtf8("k"),
                    WatchOptions.builder().startRevision(3).build(),
                    listener)) {
      Throwable t = listener.error.get(10, TimeUnit.SECONDS);
      assertThat(t).isInstanceOf(CompactedException.class);
      assertThat(((CompactedException) t).compactRevision()).isEqualTo(15);
      assertThat(compacted.creates).hasSize(1);
    }
  }
}
