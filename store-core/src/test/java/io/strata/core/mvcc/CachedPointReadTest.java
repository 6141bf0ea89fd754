package io.strata.core.mvcc;

import static io.strata.core.mvcc.StoreFixture.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.KeyValue;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.RangeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Point reads answered from the latest-versions cache, racing the writer: a read must never see an
 * older version than the revision in its own header allows (the cache learns a batch's versions
 * before the revision is published), nor a newer one.
 */
class CachedPointReadTest {
  private static final int WRITES = 20_000;

  /**
   * The writer puts "k" at every even revision and one of many other keys at every odd one, so the
   * small cache keeps evicting "k" and reads go through both the cache and RocksDB. The newest
   * version of "k" at header revision H is H when H is even and H - 1 when odd.
   */
  @Test
  void aPointReadSeesExactlyTheNewestVersionAtItsHeaderRevision() throws Exception {
    ExecutorService readers = Executors.newFixedThreadPool(2);
    try (StoreFixture f = new StoreFixture(new MvccConfig(128, 1000, 2_000), lease -> true)) {
      f.put("k", "0"); // revision 2
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Future<Long>> checks = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        checks.add(
            readers.submit(
                () -> {
                  long reads = 0;
                  while (writing.get()) {
                    checkNewest(f.store.range(RangeRequest.get(b("k"))));
                    reads++;
                  }
                  return reads;
                }));
      }
      for (int i = 1; i < WRITES; i++) {
        f.put("other/" + (i % 500), "v");
        f.put("k", Integer.toString(i));
      }
      writing.set(false);
      for (Future<Long> c : checks) {
        assertThat(c.get()).isPositive();
      }
    } finally {
      readers.shutdownNow();
    }
  }

  private static void checkNewest(RangeResult r) {
    long header = r.revision();
    assertThat(r.kvs()).hasSize(1);
    KeyValue kv = r.kvs().get(0);
    long expected = header % 2 == 0 ? header : header - 1;
    assertThat(kv.modRevision()).as("mod revision at header %d", header).isEqualTo(expected);
    assertThat(new String(kv.value(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(Long.toString((expected - 2) / 2));
  }

  @Test
  void pastRevisionsDeletesAndMissingKeysReadTheSameThroughTheCache() {
    try (StoreFixture f = new StoreFixture()) {
      f.put("a", "1"); // 2
      f.put("a", "2"); // 3
      f.delete("a"); // 4
      f.put("b", "x"); // 5
      assertThat(f.get("a")).isEmpty();
      assertThat(f.get("never")).isEmpty();
      assertThat(f.get("b")).singleElement().extracting(KeyValue::modRevision).isEqualTo(5L);
      RangeResult atThree = f.store.range(RangeRequest.builder(b("a")).revision(3).build());
      assertThat(atThree.kvs()).singleElement().extracting(KeyValue::version).isEqualTo(2L);
      RangeResult bAtFour = f.store.range(RangeRequest.builder(b("b")).revision(4).build());
      assertThat(bAtFour.kvs()).isEmpty();
      assertThat(bAtFour.count()).isZero();
    }
  }

  @Test
  void aClosedStoreDoesNotAnswerFromTheCache() {
    StoreFixture f = new StoreFixture();
    try {
      f.put("a", "1");
      f.store.close();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.get("a"))
          .isInstanceOf(RuntimeException.class);
    } finally {
      f.tmp.close();
    }
  }

  @Test
  void anAbandonedBatchLeavesNoVersionInTheCache() {
    try (StoreFixture f = new StoreFixture()) {
      f.put("a", "1"); // 2
      try (ApplyBatch batch = f.store.newBatch()) {
        batch.put(PutRequest.of(b("a"), b("uncommitted")));
        batch.deleteRange(DeleteRangeRequest.key(b("a")));
        // closed without commit
      }
      assertThat(f.get("a")).singleElement().extracting(KeyValue::modRevision).isEqualTo(2L);
    }
  }

  @Test
  void aFailedCommitTakesItsVersionsBackOutOfTheCache() {
    StoreFixture f = new StoreFixture();
    try {
      f.put("a", "1"); // 2
      ApplyBatch batch = f.store.newBatch();
      batch.put(PutRequest.of(b("a"), b("lost")));
      f.store.close(); // the backend write of the commit below fails
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> batch.commit(f.nextIndex()))
          .isInstanceOf(RuntimeException.class);
      batch.close();
      Version cached = f.store.latestVersions().get(b("a"));
      assertThat(cached == null || cached.main() == 2).as("cached %s", cached).isTrue();
    } finally {
      f.tmp.close();
    }
  }
}
