package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.CompactionRequest;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.WatchCancelRequest;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchProgressRequest;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** etcd's Watch protocol over the wire: ids, created/canceled, history, progress, compaction. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchServiceTest {
  @TempDir static Path dir;
  private StoreServer server;
  private ManagedChannel channel;
  private KVGrpc.KVBlockingStub kv;

  @BeforeAll
  void start() throws IOException {
    server =
        StoreServer.start(
            ServerConfig.singleMember("w1", dir.resolve("w1"), TestPorts.free(), TestPorts.free())
                .toBuilder()
                .watchProgressNotifyInterval(Duration.ofMillis(200))
                .build(),
            () -> {});
    server.awaitLeader();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().build();
    kv = KVGrpc.newBlockingStub(channel);
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  /** A client side of one watch stream. */
  private final class Stream implements StreamObserver<WatchResponse> {
    final BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
    final StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(this);

    WatchResponse next() throws InterruptedException {
      WatchResponse r = responses.poll(20, TimeUnit.SECONDS);
      assertThat(r).as("a watch response within 20 s").isNotNull();
      return r;
    }

    WatchResponse create(WatchCreateRequest.Builder c) throws InterruptedException {
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(c).build());
      return next();
    }

    @Override
    public void onNext(WatchResponse value) {
      responses.add(value);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  private long put(String key, String value) {
    return kv.put(PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value)).build())
        .getHeader()
        .getRevision();
  }

  @Test
  void create_autoIdsStartAtZero_andClientIdsAreKept() throws Exception {
    Stream s = new Stream();
    WatchResponse first = s.create(WatchCreateRequest.newBuilder().setKey(bs("ids")));
    assertThat(first.getCreated()).isTrue();
    assertThat(first.getWatchId()).isZero();
    assertThat(first.getHeader().getRevision())
        .isEqualTo(server.members().store().currentRevision());
    assertThat(s.create(WatchCreateRequest.newBuilder().setKey(bs("ids"))).getWatchId())
        .isEqualTo(1);
    assertThat(
            s.create(WatchCreateRequest.newBuilder().setKey(bs("ids")).setWatchId(7)).getWatchId())
        .isEqualTo(7);
    WatchResponse dup = s.create(WatchCreateRequest.newBuilder().setKey(bs("ids")).setWatchId(7));
    assertThat(dup.getCanceled()).isTrue();
    assertThat(dup.getWatchId()).isEqualTo(-1);
    assertThat(dup.getCancelReason())
        .isEqualTo("mvcc: duplicate watch ID provided on the WatchStream");
    s.requests.onNext(
        WatchRequest.newBuilder()
            .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(7))
            .build());
    WatchResponse canceled = s.next();
    assertThat(canceled.getCanceled()).isTrue();
    assertThat(canceled.getWatchId()).isEqualTo(7);
    s.requests.onCompleted();
  }

  @Test
  void negativeStartRevision_isACompactedWatch() throws Exception {
    Stream s = new Stream();
    WatchResponse r =
        s.create(WatchCreateRequest.newBuilder().setKey(bs("neg")).setStartRevision(-1));
    assertThat(r.getCreated()).isTrue();
    assertThat(r.getCanceled()).isTrue();
    assertThat(r.getWatchId()).isEqualTo(-1);
    assertThat(r.getCancelReason())
        .isEqualTo("etcdserver: mvcc: required revision has been compacted");
    s.requests.onCompleted();
  }

  @Test
  void historyThenLive_withPrevKv_andPrefix() throws Exception {
    long r1 = put("h/a", "1");
    put("h/a", "2");
    Stream s = new Stream();
    s.create(
        WatchCreateRequest.newBuilder()
            .setKey(bs("h/"))
            .setRangeEnd(bs("h0"))
            .setStartRevision(r1)
            .setPrevKv(true));
    // History comes as whole revisions, possibly several per response, as etcd sends it.
    List<io.strata.api.mvccpb.Event> got = new java.util.ArrayList<>();
    while (got.size() < 2) {
      got.addAll(s.next().getEventsList());
    }
    assertThat(got).hasSize(2);
    assertThat(got.get(0).getKv().getValue().toStringUtf8()).isEqualTo("1");
    assertThat(got.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("1");
    long r3 = put("h/b", "3");
    WatchResponse live = s.next();
    assertThat(live.getHeader().getRevision()).isEqualTo(r3);
    assertThat(live.getEvents(0).getKv().getKey().toStringUtf8()).isEqualTo("h/b");
    s.requests.onCompleted();
  }

  @Test
  void progressRequest_andProgressNotify() throws Exception {
    Stream s = new Stream();
    s.create(WatchCreateRequest.newBuilder().setKey(bs("prog")).setProgressNotify(true));
    long rev = put("other", "x");
    s.requests.onNext(
        WatchRequest.newBuilder()
            .setProgressRequest(WatchProgressRequest.getDefaultInstance())
            .build());
    WatchResponse r = s.next();
    while (r.getWatchId() != -1) {
      r = s.next(); // periodic notifications may come first
    }
    assertThat(r.getEventsCount()).isZero();
    assertThat(r.getHeader().getRevision()).isGreaterThanOrEqualTo(rev);
    WatchResponse notify = s.next();
    assertThat(notify.getEventsCount()).isZero();
    assertThat(notify.getCreated()).isFalse();
    assertThat(notify.getHeader().getRevision()).isGreaterThanOrEqualTo(rev);
    s.requests.onCompleted();
  }

  @Test
  void startBelowCompaction_isCanceledWithCompactRevision() throws Exception {
    put("cmp", "1");
    long r = put("cmp", "2");
    kv.compact(CompactionRequest.newBuilder().setRevision(r).setPhysical(true).build());
    Stream s = new Stream();
    s.create(WatchCreateRequest.newBuilder().setKey(bs("cmp")).setStartRevision(r - 1));
    WatchResponse canceled = s.next();
    assertThat(canceled.getCanceled()).isTrue();
    assertThat(canceled.getCompactRevision()).isEqualTo(r);
    s.requests.onCompleted();
  }

  private static ByteString bs(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
