package io.strata.core.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.Event;
import io.strata.core.kv.PutRequest;
import io.strata.core.mvcc.MvccStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub's guarantees on a real store: ordered, unique, no gaps, resumable, compaction-aware. */
@Timeout(60)
class WatchHubTest {
  private final TmpRocksBackend tmp = new TmpRocksBackend();
  private final MvccStore store = MvccStore.open(tmp.open());
  private final WatchHub hub =
      new WatchHub(() -> store, Duration.ofMillis(10), Duration.ofMillis(50));
  private long index;

  @AfterEach
  void close() {
    hub.close();
    store.close();
    tmp.close();
  }

  private void put(String key, String value) {
    hub.notify(
        store
            .put(PutRequest.of(Bytes.utf8(key), Bytes.utf8(value)), new AppliedIndex(1, ++index))
            .events());
  }

  private void delete(String key) {
    hub.notify(
        store
            .deleteRange(DeleteRangeRequest.key(Bytes.utf8(key)), new AppliedIndex(1, ++index))
            .events());
  }

  private static Watcher watcher(String key, String end, RecordingWatchSink sink) {
    return new Watcher(1, Bytes.utf8(key), Bytes.utf8(end), false, false, true, true, sink, sink);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
      Thread.onSpinWait();
      TimeUnit.MILLISECONDS.sleep(1);
    }
  }

  @Test
  void liveWatcher_getsOnlyItsKey_inOrder() {
    RecordingWatchSink sink = new RecordingWatchSink();
    hub.watch(watcher("a", "", sink), 0);
    put("a", "1");
    put("b", "1");
    put("a", "2");
    delete("a");
    assertThat(sink.revisions()).containsExactly(2L, 4L, 5L);
    assertThat(sink.events.get(2).type()).isEqualTo(Event.Type.DELETE);
  }

  @Test
  void pastStart_replaysHistory_thenFollowsLive_withoutGapsOrDuplicates() throws Exception {
    for (int i = 0; i < 50; i++) {
      put("k" + (i % 5), "v" + i);
    }
    RecordingWatchSink sink = new RecordingWatchSink();
    hub.watch(watcher("k", "l", sink), 10);
    for (int i = 50; i < 100; i++) {
      put("k" + (i % 5), "v" + i);
    }
    await(() -> sink.size() == 92);
    assertThat(sink.revisions())
        .containsExactlyElementsOf(LongStream.rangeClosed(10, 101).boxed().toList());
  }

  @Test
  void sinkWithoutRoom_parksTheWatcher_andItCatchesUpLosingNothing() throws Exception {
    RecordingWatchSink sink = new RecordingWatchSink();
    hub.watch(watcher("\0", "\0", sink), 0);
    put("x", "0");
    sink.full = true;
    for (int i = 1; i <= 2500; i++) {
      put("x", "v" + i);
    }
    assertThat(sink.refusals).isPositive();
    sink.full = false;
    await(() -> sink.size() == 2501);
    assertThat(sink.revisions())
        .containsExactlyElementsOf(LongStream.rangeClosed(2, 2502).boxed().toList());
    put("x", "after");
    assertThat(sink.revisions().get(2501)).isEqualTo(2503L);
  }

  @Test
  void watcherBehindCompaction_isCanceledWithTheCompactRevision() throws Exception {
    for (int i = 0; i < 10; i++) {
      put("c", "v" + i);
    }
    store.compact(8, new AppliedIndex(1, ++index)).get(10, TimeUnit.SECONDS);
    RecordingWatchSink sink = new RecordingWatchSink();
    hub.watch(watcher("c", "", sink), 3);
    await(() -> sink.compactedAt == 8);
    assertThat(sink.events).isEmpty();
    assertThat(hub.size()).isZero();
  }

  @Test
  void progressNotifications_andProgressRequests_neverRunAheadOfEvents() throws Exception {
    RecordingWatchSink sink = new RecordingWatchSink();
    hub.watch(watcher("p", "", sink), 0);
    put("p", "1");
    await(() -> !sink.progress.isEmpty());
    assertThat(sink.progress.get(sink.progress.size() - 1)).isEqualTo(2L);
    long[] answered = {-1};
    assertThat(hub.requestProgress(sink, rev -> answered[0] = rev)).isTrue();
    assertThat(answered[0]).isEqualTo(2L);
    sink.full = true;
    put("p", "2");
    assertThat(hub.requestProgress(sink, rev -> answered[0] = rev)).isFalse();
    sink.full = false;
    await(() -> sink.size() == 2);
    await(() -> hub.requestProgress(sink, rev -> answered[0] = rev));
    assertThat(answered[0]).isEqualTo(3L);
  }

  @Test
  void progressNotifications_goOn_whenOneSinkThrows() throws Exception {
    AtomicInteger broken = new AtomicInteger();
    RecordingWatchSink throwing =
        new RecordingWatchSink() {
          @Override
          public synchronized boolean progress(Watcher watcher, long revision) {
            broken.incrementAndGet();
            throw new IllegalStateException("stream closed");
          }
        };
    RecordingWatchSink healthy = new RecordingWatchSink();
    hub.watch(watcher("a", "", throwing), 0);
    hub.watch(watcher("b", "", healthy), 0);
    await(() -> healthy.progress.size() >= 3);
    await(() -> broken.get() >= 3);
  }

  @Test
  void filtersAndCancel() {
    RecordingWatchSink puts = new RecordingWatchSink();
    RecordingWatchSink deletes = new RecordingWatchSink();
    Watcher noDelete =
        new Watcher(1, Bytes.utf8("f"), Bytes.EMPTY, false, true, false, false, puts, puts);
    Watcher noPut =
        new Watcher(2, Bytes.utf8("f"), Bytes.EMPTY, true, false, false, false, deletes, deletes);
    hub.watch(noDelete, 0);
    hub.watch(noPut, 0);
    put("f", "1");
    delete("f");
    assertThat(puts.events).extracting(Event::type).containsExactly(Event.Type.PUT);
    assertThat(deletes.events).extracting(Event::type).containsExactly(Event.Type.DELETE);
    hub.cancel(noDelete);
    put("f", "2");
    assertThat(puts.events).hasSize(1);
    assertThat(List.of(hub.size())).containsExactly(1);
  }
}
