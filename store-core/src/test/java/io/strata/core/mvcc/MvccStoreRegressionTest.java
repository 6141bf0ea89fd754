package io.strata.core.mvcc;

import static io.strata.core.mvcc.StoreFixture.b;
import static io.strata.core.mvcc.StoreFixture.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.InvalidRequestException;
import io.strata.core.InvalidRequestException.Reason;
import io.strata.core.LeaseNotFoundException;
import io.strata.core.backend.Backend;
import io.strata.core.backend.ReadView;
import io.strata.core.backend.WriteBatch;
import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.Event;
import io.strata.core.kv.KeyValue;
import io.strata.core.kv.Op;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.RangeResult;
import io.strata.core.kv.SortOrder;
import io.strata.core.kv.SortTarget;
import io.strata.core.kv.TxnRequest;
import io.strata.core.kv.TxnResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Engine bugs found by {@link MvccStorePropertyTest}, one named case each. */
class MvccStoreRegressionTest {
  private final TmpRocksBackend tmp = new TmpRocksBackend();
  private final GatedBackend backend = new GatedBackend(tmp.open());
  private final MvccStore store =
      MvccStore.open(backend, MvccConfig.defaults(), lease -> lease == 1);
  private long index;

  @AfterEach
  void close() {
    backend.release();
    try {
      store.close();
    } finally {
      tmp.close();
    }
  }

  private AppliedIndex nextIndex() {
    return new AppliedIndex(1, ++index);
  }

  private void put(String key, String value) {
    store.put(PutRequest.of(b(key), b(value)), nextIndex());
  }

  /**
   * etcd reads a watch event's prev_kv at {@code revision - 1}, which is compacted for an event at
   * the compact revision, so it has none. The engine returned the older version while physical
   * compaction had not removed it yet, and nothing once it had: the answer depended on timing.
   */
  @Test
  void history_eventAtCompactRevision_hasNoPrevKv_whetherOrNotPhysicallyRemoved() throws Exception {
    put("a", "1");
    put("a", "2");
    CompletableFuture<Void> removed = store.compact(3, nextIndex());

    List<Event> early = store.history(3, 3, true, 10);
    backend.release();
    removed.get(10, TimeUnit.SECONDS);
    List<Event> late = store.history(3, 3, true, 10);

    assertThat(early).hasSize(1);
    assertThat(early.get(0).prevKv()).isNull();
    assertThat(late).isEqualTo(early);
  }

  /**
   * A transaction can put a key and then delete it (the delete's {@code "\0"} end escapes etcd's
   * duplicate-key check), so revision C holds two versions of the key. A history read from the
   * compact revision C must still return both events; compaction at C removed the put once it was
   * physically done.
   */
  @Test
  void history_fromCompactRevision_keepsEveryEventOfThatRevision() throws Exception {
    store.txn(putThenDelete("a", "v"), nextIndex());
    backend.release();
    store.compact(2, nextIndex()).get(10, TimeUnit.SECONDS);

    List<Event> events = store.history(2, 2, false, 10);

    assertThat(events).extracting(Event::type).containsExactly(Event.Type.PUT, Event.Type.DELETE);
    assertThat(store.range(RangeRequest.get(b("a"))).kvs()).isEmpty();
  }

  /**
   * etcd's watch reads prev_kv at {@code revision - 1}. When a transaction puts a key and then
   * deletes it, the delete's prev_kv is therefore the version from before the transaction, not the
   * put of the same transaction, which both the batch's events and history returned.
   */
  @Test
  void deleteOfKeyPutInSameTxn_prevKvIsTheVersionBeforeTheTxn() {
    put("a", "old");
    KeyValue old = store.range(RangeRequest.get(b("a"))).kvs().get(0);

    Applied<TxnResult> applied = store.txn(putThenDelete("a", "new"), nextIndex());

    assertThat(applied.events())
        .extracting(Event::type)
        .containsExactly(Event.Type.PUT, Event.Type.DELETE);
    assertThat(applied.events()).extracting(Event::prevKv).containsExactly(old, old);
    assertThat(store.history(3, 3, true, 10)).isEqualTo(applied.events());
  }

  @Test
  void deleteOfKeyCreatedInSameTxn_hasNoPrevKv() {
    Applied<TxnResult> applied = store.txn(putThenDelete("a", "new"), nextIndex());

    assertThat(applied.events()).extracting(Event::prevKv).containsOnlyNulls();
    assertThat(store.history(2, 2, true, 10)).isEqualTo(applied.events());
  }

  /**
   * A put and a delete of the same key in one branch: the {@code "\0"} end escapes etcd's check.
   */
  private static TxnRequest putThenDelete(String key, String value) {
    return new TxnRequest(
        List.of(),
        List.of(
            Op.put(PutRequest.of(b(key), b(value))),
            Op.delete(DeleteRangeRequest.range(b(key), new byte[] {0}))),
        List.of());
  }

  /**
   * etcd's Put looks the lease up before it reads the key, so a put with ignore_value on a missing
   * key and an unknown lease fails with "lease not found"; inside a transaction the key is checked
   * first. The engine checked the key first in both.
   */
  @Test
  void put_ignoreValueOnMissingKeyWithUnknownLease_leaseNotFoundFirst() {
    PutRequest put = new PutRequest(b("missing"), Bytes.EMPTY, 7, false, true, false);

    assertThatThrownBy(() -> store.put(put, nextIndex()))
        .isInstanceOf(LeaseNotFoundException.class);
    assertThatThrownBy(
            () ->
                store.txn(new TxnRequest(List.of(), List.of(Op.put(put)), List.of()), nextIndex()))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.KEY_NOT_FOUND));
  }

  /**
   * etcd drops values for keys_only only after sorting, so a VALUE sort still orders by value. The
   * engine dropped them first and returned such a read in key order.
   */
  @Test
  void range_keysOnlySortedByValue_ordersByTheValues() {
    put("a", "z");
    put("b", "x");
    put("c", "y");

    RangeResult result =
        store.range(
            RangeRequest.builder(b("a"))
                .rangeEnd(b("d"))
                .sort(SortTarget.VALUE, SortOrder.DESCEND)
                .keysOnly(true)
                .limit(2)
                .build());

    assertThat(result.kvs()).extracting(kv -> s(kv.key())).containsExactly("a", "c");
    assertThat(result.kvs()).allSatisfy(kv -> assertThat(kv.value()).isEmpty());
    assertThat(result.more()).isTrue();
  }

  /** Holds the compactor's backend writes until released, to pin "not yet removed" states. */
  private static final class GatedBackend implements Backend {
    private final Backend delegate;
    private final CountDownLatch gate = new CountDownLatch(1);

    GatedBackend(Backend delegate) {
      this.delegate = delegate;
    }

    void release() {
      gate.countDown();
    }

    @Override
    public void write(WriteBatch batch) {
      if (Thread.currentThread().getName().equals("strata-compactor")) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      delegate.write(batch);
    }

    @Override
    public ReadView openView() {
      return delegate.openView();
    }

    @Override
    public ReadView latest() {
      return delegate.latest();
    }

    @Override
    public WriteBatch newBatch() {
      return delegate.newBatch();
    }

    @Override
    public void checkpoint(Path dir) {
      delegate.checkpoint(dir);
    }

    @Override
    public long approximateSize() {
      return delegate.approximateSize();
    }

    @Override
    public long approximateLiveSize() {
      return delegate.approximateLiveSize();
    }

    @Override
    public void compactAll() {
      delegate.compactAll();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
