package io.strata.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.KeyValue;
import io.strata.client.Client;
import io.strata.client.Informer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The informer re-lists when its watch falls behind compaction, and reports the difference. */
@Timeout(30)
class InformerTest {
  private static KeyValue kv(String key, long rev) {
    return KeyValue.newBuilder()
        .setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8("v" + rev))
        .setModRevision(rev)
        .setCreateRevision(rev)
        .setVersion(1)
        .build();
  }

  /** Lists {a, b} at revision 10 the first time, {a (updated), c} at revision 20 after. */
  static final class ListingKv extends KVGrpc.KVImplBase {
    final AtomicInteger lists = new AtomicInteger();

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
      boolean first = lists.incrementAndGet() == 1;
      RangeResponse.Builder r =
          RangeResponse.newBuilder()
              .setHeader(ResponseHeader.newBuilder().setRevision(first ? 10 : 20));
      if (first) {
        r.addKvs(kv("p/a", 5)).addKvs(kv("p/b", 6)).setCount(2);
      } else {
        r.addKvs(kv("p/a", 18)).addKvs(kv("p/c", 19)).setCount(2);
      }
      out.onNext(r.build());
      out.onCompleted();
    }
  }

  @Test
  void informer_watchCompacted_relistsAndReportsChanges() throws Exception {
    BlockingQueue<Long> starts = new LinkedBlockingQueue<>();
    ResumingWatcherTest.ScriptedWatch watch =
        new ResumingWatcherTest.ScriptedWatch(
            (req, out) -> {
              long start = req.getCreateRequest().getStartRevision();
              starts.add(start);
              out.onNext(ResumingWatcherTest.created(start - 1));
              if (start == 11) {
                out.onNext(
                    WatchResponse.newBuilder()
                        .setHeader(ResponseHeader.newBuilder().setRevision(20))
                        .setCanceled(true)
                        .setCompactRevision(15)
                        .build());
              }
            });
    List<String> calls = new CopyOnWriteArrayList<>();
    try (FakeEtcd server = new FakeEtcd(new ListingKv(), watch);
        Client client = Client.builder().endpoints(server.endpoint()).build();
        Informer informer =
            Informer.start(
                client,
                ByteString.copyFromUtf8("p/"),
                new Informer.Handler() {
                  @Override
                  public void onAdd(KeyValue kv) {
                    calls.add("add " + kv.getKey().toStringUtf8());
                  }

                  @Override
                  public void onUpdate(KeyValue old, KeyValue kv) {
                    calls.add("update " + kv.getKey().toStringUtf8());
                  }

                  @Override
                  public void onDelete(KeyValue old) {
                    calls.add("delete " + old.getKey().toStringUtf8());
                  }

                  @Override
                  public void onList(long revision) {
                    calls.add("list " + revision);
                  }
                })) {
      assertThat(informer.awaitSynced(10, TimeUnit.SECONDS)).isTrue();
      assertThat(starts.poll(10, TimeUnit.SECONDS)).isEqualTo(11);
      assertThat(starts.poll(10, TimeUnit.SECONDS)).isEqualTo(21);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // The handler hears of the re-list after the cache holds it: wait for its last call.
      while (!calls.contains("list 20") && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10); // poll interval while the re-list lands
      }
      assertThat(informer.revision()).isEqualTo(20);
      assertThat(informer.list())
          .extracting(k -> k.getKey().toStringUtf8())
          .containsExactly("p/a", "p/c");
      assertThat(calls)
          .containsExactly(
              "add p/a", "add p/b", "list 10", "delete p/b", "update p/a", "add p/c", "list 20");
    }
  }
}
