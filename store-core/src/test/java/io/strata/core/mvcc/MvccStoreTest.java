package io.strata.core.mvcc;

import static io.strata.core.mvcc.StoreFixture.b;
import static io.strata.core.mvcc.StoreFixture.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.kv.Bytes;
import io.strata.core.kv.Compare;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.DeleteRangeResult;
import io.strata.core.kv.Event;
import io.strata.core.kv.KeyValue;
import io.strata.core.kv.Op;
import io.strata.core.kv.OpResult;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.PutResult;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.RangeResult;
import io.strata.core.kv.SortOrder;
import io.strata.core.kv.SortTarget;
import io.strata.core.kv.TxnRequest;
import io.strata.core.kv.TxnResult;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** etcd's revision and KV semantics, case by case, on a real RocksDB. */
class MvccStoreTest {
  private final StoreFixture f = new StoreFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void newStore_isAtRevisionOne() {
    assertThat(f.store.currentRevision()).isEqualTo(1);
    assertThat(f.store.compactRevision()).isZero();
    assertThat(f.all()).isEmpty();
  }

  @Test
  void put_createsThenModifies_withEtcdRevisions() {
    assertThat(f.put("foo", "bar").revision()).isEqualTo(2);
    assertThat(f.put("foo", "baz").revision()).isEqualTo(3);
    KeyValue kv = f.get("foo").get(0);
    assertThat(kv.createRevision()).isEqualTo(2);
    assertThat(kv.modRevision()).isEqualTo(3);
    assertThat(kv.version()).isEqualTo(2);
    assertThat(s(kv.value())).isEqualTo("baz");
  }

  @Test
  void delete_resetsVersion_andRecreateStartsOver() {
    f.put("k", "1");
    f.put("k", "2");
    DeleteRangeResult d = f.delete("k");
    assertThat(d.deleted()).isEqualTo(1);
    assertThat(d.revision()).isEqualTo(4);
    assertThat(f.get("k")).isEmpty();
    f.put("k", "3");
    KeyValue kv = f.get("k").get(0);
    assertThat(kv.createRevision()).isEqualTo(5);
    assertThat(kv.version()).isEqualTo(1);
  }

  @Test
  void delete_ofMissingKey_keepsRevision() {
    f.put("a", "1");
    DeleteRangeResult d = f.delete("nope");
    assertThat(d.deleted()).isZero();
    assertThat(d.revision()).isEqualTo(2);
    assertThat(f.store.currentRevision()).isEqualTo(2);
  }

  @Test
  void deleteRange_deletesAllAtOneRevision_withSubRevisionEvents() {
    f.put("a", "1");
    f.put("b", "2");
    f.put("c", "3");
    var applied =
        f.store.deleteRange(DeleteRangeRequest.range(b("a"), b("c")).withPrevKv(), f.nextIndex());
    assertThat(applied.result().deleted()).isEqualTo(2);
    assertThat(applied.result().prevKvs()).extracting(kv -> s(kv.key())).containsExactly("a", "b");
    assertThat(applied.events())
        .allSatisfy(
            e -> {
              assertThat(e.type()).isEqualTo(Event.Type.DELETE);
              assertThat(e.kv().modRevision()).isEqualTo(5);
              assertThat(e.prevKv()).isNotNull();
            });
    assertThat(f.all()).extracting(kv -> s(kv.key())).containsExactly("c");
  }

  @Test
  void put_prevKv_returnsReplacedVersion() {
    f.put("k", "old");
    PutResult r = f.store.put(PutRequest.of(b("k"), b("new")).withPrevKv(), f.nextIndex()).result();
    assertThat(r.prevKv()).isNotNull();
    assertThat(s(r.prevKv().value())).isEqualTo("old");
  }

  @Test
  void put_ignoreValueAndIgnoreLease_keepCurrentOnes() {
    f.store.put(PutRequest.of(b("k"), b("v"), 7), f.nextIndex());
    f.store.put(new PutRequest(b("k"), Bytes.EMPTY, 0, false, true, true), f.nextIndex());
    KeyValue kv = f.get("k").get(0);
    assertThat(s(kv.value())).isEqualTo("v");
    assertThat(kv.lease()).isEqualTo(7);
    assertThat(kv.version()).isEqualTo(2);
  }

  @Test
  void range_prefixAndOpenEndAndLimit() {
    for (String k : List.of("a", "ab", "abc", "b", "c")) {
      f.put(k, k);
    }
    RangeResult prefix = f.store.range(RangeRequest.builder(b("ab")).prefix().build());
    assertThat(prefix.kvs()).extracting(kv -> s(kv.key())).containsExactly("ab", "abc");
    RangeResult from = f.store.range(RangeRequest.range(b("b"), new byte[] {0}));
    assertThat(from.kvs()).extracting(kv -> s(kv.key())).containsExactly("b", "c");
    RangeResult limited =
        f.store.range(
            RangeRequest.builder(new byte[] {0}).rangeEnd(new byte[] {0}).limit(2).build());
    assertThat(limited.kvs()).extracting(kv -> s(kv.key())).containsExactly("a", "ab");
    assertThat(limited.more()).isTrue();
    assertThat(limited.count()).isEqualTo(5);
    assertThat(limited.revision()).isEqualTo(6);
  }

  @Test
  void range_keysWithZeroBytesStayApart() {
    f.put("a", "1");
    f.store.put(PutRequest.of(new byte[] {'a', 0}, b("2")), f.nextIndex());
    f.store.put(PutRequest.of(new byte[] {'a', 0, 0}, b("3")), f.nextIndex());
    f.put("a", "4");
    assertThat(f.all()).extracting(kv -> s(kv.value())).containsExactly("4", "2", "3");
    assertThat(f.store.range(RangeRequest.get(new byte[] {'a', 0})).kvs()).hasSize(1);
  }

  @Test
  void range_atPastRevision_seesOldVersions_andHeaderIsCurrent() {
    f.put("k", "1");
    f.put("k", "2");
    f.delete("k");
    RangeResult atTwo = f.store.range(RangeRequest.builder(b("k")).revision(2).build());
    assertThat(s(atTwo.kvs().get(0).value())).isEqualTo("1");
    assertThat(atTwo.revision()).isEqualTo(4);
    assertThat(f.store.range(RangeRequest.builder(b("k")).revision(4).build()).kvs()).isEmpty();
  }

  @Test
  void range_sortAndFilters() {
    f.put("a", "z");
    f.put("b", "y");
    f.put("b", "y2");
    f.put("c", "x");
    RangeResult byValueDesc =
        f.store.range(
            RangeRequest.builder(b("a"))
                .rangeEnd(b("d"))
                .sort(SortTarget.VALUE, SortOrder.DESCEND)
                .limit(2)
                .build());
    assertThat(byValueDesc.kvs()).extracting(kv -> s(kv.key())).containsExactly("a", "b");
    assertThat(byValueDesc.more()).isTrue();
    RangeResult byVersion =
        f.store.range(
            RangeRequest.builder(b("a"))
                .rangeEnd(b("d"))
                .sort(SortTarget.VERSION, SortOrder.NONE)
                .build());
    assertThat(byVersion.kvs()).extracting(kv -> s(kv.key())).containsExactly("a", "c", "b");
    RangeResult modFiltered =
        f.store.range(RangeRequest.builder(b("a")).rangeEnd(b("d")).minModRevision(4).build());
    assertThat(modFiltered.kvs()).extracting(kv -> s(kv.key())).containsExactly("b", "c");
    assertThat(modFiltered.count()).isEqualTo(3);
    RangeResult countOnly =
        f.store.range(RangeRequest.builder(b("a")).rangeEnd(b("d")).countOnly(true).build());
    assertThat(countOnly.kvs()).isEmpty();
    assertThat(countOnly.count()).isEqualTo(3);
    RangeResult keysOnly =
        f.store.range(RangeRequest.builder(b("a")).rangeEnd(b("d")).keysOnly(true).build());
    assertThat(keysOnly.kvs()).allSatisfy(kv -> assertThat(kv.value()).isEmpty());
  }

  @Test
  void txn_kubernetesCreateThenOptimisticUpdate() {
    TxnRequest create =
        new TxnRequest(
            List.of(
                Compare.number(b("/registry/pods/a"), Compare.Target.MOD, Compare.Result.EQUAL, 0)),
            List.of(Op.put(PutRequest.of(b("/registry/pods/a"), b("v1")))),
            List.of(Op.range(RangeRequest.get(b("/registry/pods/a")))));
    TxnResult created = f.store.txn(create, f.nextIndex()).result();
    assertThat(created.succeeded()).isTrue();
    assertThat(created.revision()).isEqualTo(2);
    TxnResult again = f.store.txn(create, f.nextIndex()).result();
    assertThat(again.succeeded()).isFalse();
    assertThat(again.revision()).isEqualTo(2);
    RangeResult current = ((OpResult.Range) again.responses().get(0)).result();
    assertThat(current.kvs().get(0).modRevision()).isEqualTo(2);

    TxnRequest update =
        new TxnRequest(
            List.of(
                Compare.number(b("/registry/pods/a"), Compare.Target.MOD, Compare.Result.EQUAL, 2)),
            List.of(Op.put(PutRequest.of(b("/registry/pods/a"), b("v2")))),
            List.of());
    assertThat(f.store.txn(update, f.nextIndex()).result().succeeded()).isTrue();
    assertThat(f.store.txn(update, f.nextIndex()).result().succeeded()).isFalse();
    assertThat(f.store.currentRevision()).isEqualTo(3);
  }

  @Test
  void txn_opsShareRevision_andSeeEarlierWrites() {
    TxnRequest txn =
        new TxnRequest(
            List.of(),
            List.of(
                Op.put(PutRequest.of(b("x"), b("1"))),
                Op.put(PutRequest.of(b("y"), b("2"))),
                Op.range(RangeRequest.range(b("x"), b("z")))),
            List.of());
    var applied = f.store.txn(txn, f.nextIndex());
    assertThat(applied.result().revision()).isEqualTo(2);
    RangeResult read = ((OpResult.Range) applied.result().responses().get(2)).result();
    assertThat(read.kvs()).extracting(KeyValue::modRevision).containsExactly(2L, 2L);
    assertThat(applied.events()).extracting(Event::revision).containsExactly(2L, 2L);
  }

  @Test
  void txn_valueCompareOnMissingKey_fails_butNumericComparesZero() {
    TxnRequest value =
        new TxnRequest(
            List.of(Compare.value(b("missing"), Compare.Result.EQUAL, Bytes.EMPTY)),
            List.of(),
            List.of());
    assertThat(f.store.txn(value, f.nextIndex()).result().succeeded()).isFalse();
    TxnRequest version =
        new TxnRequest(
            List.of(Compare.number(b("missing"), Compare.Target.VERSION, Compare.Result.EQUAL, 0)),
            List.of(),
            List.of());
    assertThat(f.store.txn(version, f.nextIndex()).result().succeeded()).isTrue();
  }

  @Test
  void txn_compareWithRangeEnd_mustHoldForEveryKey() {
    f.put("p/a", "1");
    f.put("p/b", "1");
    f.put("p/b", "2");
    TxnRequest allVersionOne =
        new TxnRequest(
            List.of(
                Compare.number(b("p/"), Compare.Target.VERSION, Compare.Result.EQUAL, 1)
                    .withRangeEnd(Bytes.prefixEnd(b("p/")))),
            List.of(),
            List.of());
    assertThat(f.store.txn(allVersionOne, f.nextIndex()).result().succeeded()).isFalse();
  }

  @Test
  void txn_nestedComparesSeeStateBeforeTheTxn() {
    TxnRequest inner =
        new TxnRequest(
            List.of(Compare.number(b("n"), Compare.Target.VERSION, Compare.Result.EQUAL, 0)),
            List.of(Op.put(PutRequest.of(b("inner"), b("saw-nothing")))),
            List.of(Op.put(PutRequest.of(b("inner"), b("saw-n")))));
    TxnRequest outer =
        new TxnRequest(
            List.of(), List.of(Op.put(PutRequest.of(b("n"), b("1"))), Op.txn(inner)), List.of());
    f.store.txn(outer, f.nextIndex());
    assertThat(s(f.get("inner").get(0).value())).isEqualTo("saw-nothing");
  }

  @Test
  void txn_readOnly_keepsRevision() {
    f.put("a", "1");
    TxnRequest read =
        new TxnRequest(List.of(), List.of(Op.range(RangeRequest.get(b("a")))), List.of());
    assertThat(f.store.txn(read, f.nextIndex()).result().revision()).isEqualTo(2);
    assertThat(f.store.currentRevision()).isEqualTo(2);
  }

  @Test
  void history_replaysEventsWithPrevKv_fromAnyUncompactedRevision() {
    f.put("a", "1");
    f.put("a", "2");
    f.delete("a");
    f.put("b", "1");
    List<Event> events = f.store.history(2, Long.MAX_VALUE, true, 100);
    assertThat(events)
        .extracting(Event::type)
        .containsExactly(Event.Type.PUT, Event.Type.PUT, Event.Type.DELETE, Event.Type.PUT);
    assertThat(events.get(0).prevKv()).isNull();
    assertThat(s(Objects.requireNonNull(events.get(1).prevKv()).value())).isEqualTo("1");
    assertThat(s(Objects.requireNonNull(events.get(2).prevKv()).value())).isEqualTo("2");
    assertThat(events.get(2).kv().modRevision()).isEqualTo(4);
    assertThat(f.store.history(4, 4, false, 100)).hasSize(1);
  }

  @Test
  void history_neverSplitsARevision() {
    f.store.txn(
        new TxnRequest(
            List.of(),
            List.of(Op.put(PutRequest.of(b("a"), b("1"))), Op.put(PutRequest.of(b("b"), b("1")))),
            List.of()),
        f.nextIndex());
    f.put("c", "1");
    assertThat(f.store.history(1, 10, false, 1)).hasSize(2);
  }

  @Test
  void compact_removesOldVersionsPhysically_butKeepsLatest() throws Exception {
    f.put("a", "1");
    f.put("a", "2");
    f.put("b", "1");
    f.delete("b");
    f.put("c", "1");
    int hashBefore = f.store.hashKv(0).hash();
    f.store.compact(5, f.nextIndex()).get(10, TimeUnit.SECONDS);
    assertThat(f.store.compactRevision()).isEqualTo(5);
    assertThat(f.store.finishedCompactRevision()).isEqualTo(5);
    assertThat(f.all()).extracting(kv -> s(kv.key())).containsExactly("a", "c");
    assertThat(f.store.range(RangeRequest.builder(b("a")).revision(5).build()).kvs()).hasSize(1);
    assertThat(f.store.hashKv(0).hash()).isNotEqualTo(hashBefore);
    f.reopen();
    assertThat(f.store.compactRevision()).isEqualTo(5);
    assertThat(f.all()).extracting(kv -> s(kv.key())).containsExactly("a", "c");
  }

  // The second compaction is not awaited on purpose: its hash must not depend on how far it got.
  @Test
  @SuppressWarnings("FutureReturnValueIgnored")
  void hashKv_doesNotDependOnPhysicalCompactionProgress() throws Exception {
    try (StoreFixture other = new StoreFixture()) {
      for (StoreFixture s : List.of(f, other)) {
        for (int i = 0; i < 50; i++) {
          s.put("k" + (i % 7), "v" + i);
          if (i % 5 == 0) {
            s.delete("k" + (i % 3));
          }
        }
      }
      // One store finishes the compaction physically; the other's hash is taken at the same
      // compact revision (and equal whatever physical progress it made).
      f.store.compact(30, f.nextIndex()).get(10, TimeUnit.SECONDS);
      other.store.compact(30, other.nextIndex());
      assertThat(other.store.hashKv(0)).isEqualTo(f.store.hashKv(0));
      assertThat(f.store.hashKv(40).hash()).isEqualTo(other.store.hashKv(40).hash());
    }
  }

  @Test
  void checkpoint_opensAsStoreWithSameContentsAndHash() {
    for (int i = 0; i < 100; i++) {
      f.put("key" + i, "value" + i);
    }
    var path = f.tmp.newPath("checkpoint");
    try {
      f.store.checkpoint(path);
      f.put("after", "checkpoint");
      try (MvccStore copy =
          MvccStore.open(io.strata.core.backend.rocksdb.TmpRocksBackend.open(path))) {
        assertThat(copy.currentRevision()).isEqualTo(101);
        assertThat(copy.hashKv(101).hash()).isEqualTo(f.store.hashKv(101).hash());
        assertThat(copy.appliedIndex().index()).isEqualTo(100);
      }
    } finally {
      io.strata.core.backend.rocksdb.TmpRocksBackend.deleteRecursively(path);
    }
  }

  @Test
  void appliedIndex_isStoredWithEveryBatch_evenWithoutChanges() {
    f.put("a", "1");
    try (ApplyBatch batch = f.store.newBatch()) {
      batch.commit(new io.strata.core.kv.AppliedIndex(3, 42));
    }
    f.reopen();
    assertThat(f.store.appliedIndex()).isEqualTo(new io.strata.core.kv.AppliedIndex(3, 42));
    assertThat(f.store.currentRevision()).isEqualTo(2);
  }

  @Test
  void leaseKeys_trackAttachAndDetach() {
    f.store.put(PutRequest.of(b("a"), b("1"), 5), f.nextIndex());
    f.store.put(PutRequest.of(b("b"), b("1"), 5), f.nextIndex());
    f.store.put(PutRequest.of(b("b"), b("2"), 6), f.nextIndex());
    assertThat(f.store.leaseKeys(5)).extracting(StoreFixture::s).containsExactly("a");
    f.delete("a");
    assertThat(f.store.leaseKeys(5)).isEmpty();
    assertThat(f.store.leaseKeys(6)).extracting(StoreFixture::s).containsExactly("b");
  }

  @Test
  void batch_appliesManyRequestsInOneWrite_eachAtItsOwnRevision() {
    try (ApplyBatch batch = f.store.newBatch()) {
      for (int i = 0; i < 10; i++) {
        batch.put(PutRequest.of(b("k"), b("v" + i)));
      }
      assertThat(batch.commit(f.nextIndex()))
          .extracting(Event::revision)
          .containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    }
    assertThat(f.get("k").get(0).version()).isEqualTo(10);
  }
}
