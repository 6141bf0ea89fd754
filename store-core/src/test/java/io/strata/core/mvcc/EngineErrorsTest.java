package io.strata.core.mvcc;

import static io.strata.core.mvcc.StoreFixture.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.CompactedException;
import io.strata.core.FutureRevisionException;
import io.strata.core.InvalidRequestException.Reason;
import io.strata.core.LeaseNotFoundException;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.Compare;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.Op;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.TxnRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pins every error the engine can raise to etcd's exact client-visible message, and checks that a
 * refused request leaves no trace (same revision, same data).
 */
class EngineErrorsTest {
  private final StoreFixture f =
      new StoreFixture(new MvccConfig(128, 1000), lease -> lease == 1 || lease == 2);

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void messages_areEtcds() {
    assertThat(CompactedException.MESSAGE)
        .isEqualTo("etcdserver: mvcc: required revision has been compacted");
    assertThat(FutureRevisionException.MESSAGE)
        .isEqualTo("etcdserver: mvcc: required revision is a future revision");
    assertThat(LeaseNotFoundException.MESSAGE).isEqualTo("etcdserver: requested lease not found");
    assertThat(Reason.KEY_NOT_PROVIDED.message()).isEqualTo("etcdserver: key is not provided");
    assertThat(Reason.KEY_NOT_FOUND.message()).isEqualTo("etcdserver: key not found");
    assertThat(Reason.VALUE_PROVIDED.message()).isEqualTo("etcdserver: value is provided");
    assertThat(Reason.LEASE_PROVIDED.message()).isEqualTo("etcdserver: lease is provided");
    assertThat(Reason.TOO_MANY_OPS.message())
        .isEqualTo("etcdserver: too many operations in txn request");
    assertThat(Reason.DUPLICATE_KEY.message())
        .isEqualTo("etcdserver: duplicate key given in txn request");
    assertThat(Reason.INVALID_SORT_OPTION.message()).isEqualTo("etcdserver: invalid sort option");
  }

  @Test
  void range_futureRevision() {
    f.put("a", "1");
    refused(
        () -> f.store.range(RangeRequest.builder(b("a")).revision(3).build()),
        FutureRevisionException.MESSAGE);
  }

  @Test
  void range_compactedRevision_butCompactRevisionItselfIsReadable() throws Exception {
    f.put("a", "1");
    f.put("a", "2");
    f.put("a", "3");
    f.store.compact(3, f.nextIndex()).get(10, TimeUnit.SECONDS);
    refused(
        () -> f.store.range(RangeRequest.builder(b("a")).revision(2).build()),
        CompactedException.MESSAGE);
    assertThat(f.store.range(RangeRequest.builder(b("a")).revision(3).build()).kvs()).hasSize(1);
    try {
      f.store.range(RangeRequest.builder(b("a")).revision(1).build());
    } catch (CompactedException e) {
      assertThat(e.compactRevision()).isEqualTo(3);
    }
  }

  @Test
  void compact_atOrBelowCompactRevision_andFuture() throws Exception {
    f.put("a", "1");
    f.put("a", "2");
    f.store.compact(2, f.nextIndex()).get(10, TimeUnit.SECONDS);
    refused(() -> f.store.compact(2, f.nextIndex()), CompactedException.MESSAGE);
    refused(() -> f.store.compact(1, f.nextIndex()), CompactedException.MESSAGE);
    refused(() -> f.store.compact(4, f.nextIndex()), FutureRevisionException.MESSAGE);
  }

  @Test
  void history_fromCompactedRevision() throws Exception {
    f.put("a", "1");
    f.put("a", "2");
    f.store.compact(3, f.nextIndex()).get(10, TimeUnit.SECONDS);
    refused(() -> f.store.history(2, 10, false, 10), CompactedException.MESSAGE);
    assertThat(f.store.history(3, 10, false, 10)).hasSize(1);
  }

  @Test
  void hashKv_futureAndCompacted() throws Exception {
    f.put("a", "1");
    f.put("a", "2");
    refused(() -> f.store.hashKv(4), FutureRevisionException.MESSAGE);
    f.store.compact(3, f.nextIndex()).get(10, TimeUnit.SECONDS);
    refused(() -> f.store.hashKv(2), CompactedException.MESSAGE);
  }

  @Test
  void emptyKey_isNotProvided_everywhere() {
    refused(() -> f.store.range(RangeRequest.get(Bytes.EMPTY)), Reason.KEY_NOT_PROVIDED);
    refused(
        () -> f.store.put(PutRequest.of(Bytes.EMPTY, b("v")), f.nextIndex()),
        Reason.KEY_NOT_PROVIDED);
    refused(
        () -> f.store.deleteRange(DeleteRangeRequest.key(Bytes.EMPTY), f.nextIndex()),
        Reason.KEY_NOT_PROVIDED);
    refused(
        () ->
            txn(
                List.of(
                    Compare.number(Bytes.EMPTY, Compare.Target.VERSION, Compare.Result.EQUAL, 0)),
                List.of()),
        Reason.KEY_NOT_PROVIDED);
    refused(
        () -> txn(List.of(), List.of(Op.range(RangeRequest.get(Bytes.EMPTY)))),
        Reason.KEY_NOT_PROVIDED);
  }

  @Test
  void put_ignoreFlags() {
    refused(
        () -> f.store.put(new PutRequest(b("k"), b("v"), 0, false, true, false), f.nextIndex()),
        Reason.VALUE_PROVIDED);
    refused(
        () -> f.store.put(new PutRequest(b("k"), b(""), 1, false, false, true), f.nextIndex()),
        Reason.LEASE_PROVIDED);
    refused(
        () -> f.store.put(new PutRequest(b("k"), b(""), 0, false, true, false), f.nextIndex()),
        Reason.KEY_NOT_FOUND);
    refused(
        () -> f.store.put(new PutRequest(b("k"), b("v"), 0, false, false, true), f.nextIndex()),
        Reason.KEY_NOT_FOUND);
  }

  @Test
  void put_unknownLease() {
    refused(
        () -> f.store.put(PutRequest.of(b("k"), b("v"), 99), f.nextIndex()),
        LeaseNotFoundException.MESSAGE);
    refused(
        () ->
            txn(
                List.of(),
                List.of(
                    Op.put(PutRequest.of(b("x"), b("1"))),
                    Op.put(PutRequest.of(b("k"), b("v"), 99)))),
        LeaseNotFoundException.MESSAGE);
    f.store.put(PutRequest.of(b("k"), b("v"), 1), f.nextIndex());
  }

  @Test
  void txn_tooManyOps_includingNestedBudget() {
    List<Op> ops129 = new ArrayList<>();
    List<Op> ops127 = new ArrayList<>();
    for (int i = 0; i < 129; i++) {
      ops129.add(Op.range(RangeRequest.get(b("k" + i))));
      if (i < 127) {
        ops127.add(Op.range(RangeRequest.get(b("k" + i))));
      }
    }
    refused(() -> txn(List.of(), ops129), Reason.TOO_MANY_OPS);
    refused(
        () ->
            txn(
                List.of(),
                List.of(
                    // the nested txn's budget is 128 minus the outer 2 ops
                    Op.txn(new TxnRequest(List.of(), ops127, List.of())),
                    Op.range(RangeRequest.get(b("a"))))),
        Reason.TOO_MANY_OPS);
    List<Compare> compares =
        Collections.nCopies(
            129, Compare.number(b("a"), Compare.Target.VERSION, Compare.Result.EQUAL, 0));
    refused(() -> txn(compares, List.of()), Reason.TOO_MANY_OPS);
    txn(List.of(), ops129.subList(0, 128));
  }

  @Test
  void txn_duplicateKeys() {
    refused(() -> txn(List.of(), List.of(put("a"), put("a"))), Reason.DUPLICATE_KEY);
    refused(
        () ->
            txn(List.of(), List.of(put("b"), Op.delete(DeleteRangeRequest.range(b("a"), b("c"))))),
        Reason.DUPLICATE_KEY);
    refused(
        () ->
            txn(
                List.of(),
                List.of(put("a"), Op.txn(new TxnRequest(List.of(), List.of(put("a")), List.of())))),
        Reason.DUPLICATE_KEY);
    // The two branches of one nested txn exclude each other, so both may put the same key.
    txn(
        List.of(),
        List.of(Op.txn(new TxnRequest(List.of(), List.of(put("a")), List.of(put("a"))))));
    // Two deletes may overlap.
    txn(
        List.of(),
        List.of(
            Op.delete(DeleteRangeRequest.range(b("a"), b("c"))),
            Op.delete(DeleteRangeRequest.key(b("b")))));
  }

  @Test
  void txn_rangeAtFutureOrCompactedRevision_failsWholeTxn() throws Exception {
    f.put("a", "1");
    f.put("a", "2");
    refused(
        () ->
            txn(
                List.of(),
                List.of(put("z"), Op.range(RangeRequest.builder(b("a")).revision(9).build()))),
        FutureRevisionException.MESSAGE);
    f.store.compact(2, f.nextIndex()).get(10, TimeUnit.SECONDS);
    refused(
        () ->
            txn(
                List.of(),
                List.of(put("z"), Op.range(RangeRequest.builder(b("a")).revision(1).build()))),
        CompactedException.MESSAGE);
  }

  private static Op put(String key) {
    return Op.put(PutRequest.of(b(key), b("v")));
  }

  private void txn(List<Compare> compares, List<Op> success) {
    f.store.txn(new TxnRequest(compares, success, List.of()), f.nextIndex());
  }

  private void refused(ThrowingCallable call, Reason reason) {
    refused(call, reason.message());
  }

  /** The call fails with {@code message} and changes neither the revision nor the data. */
  private void refused(ThrowingCallable call, String message) {
    long revision = f.store.currentRevision();
    var before = f.all();
    assertThatThrownBy(call).hasMessage(message);
    assertThat(f.store.currentRevision()).isEqualTo(revision);
    assertThat(f.all()).isEqualTo(before);
  }
}
