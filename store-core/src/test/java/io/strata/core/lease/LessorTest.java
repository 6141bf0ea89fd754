package io.strata.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.LeaseExistsException;
import io.strata.core.LeaseNotFoundException;
import io.strata.core.LeaseTtlTooLargeException;
import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.DeleteRangeResult;
import io.strata.core.kv.Event;
import io.strata.core.kv.KeyValue;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.RangeRequest;
import io.strata.core.mvcc.ApplyBatch;
import io.strata.core.mvcc.MvccConfig;
import io.strata.core.mvcc.MvccStore;
import io.strata.core.time.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lessor on a real RocksDB store with a fake clock: replicated state, deadlines, restarts. */
class LessorTest {
  private final TmpRocksBackend tmp = new TmpRocksBackend();
  private final FakeClock clock = new FakeClock();
  private Lessor lessor;
  private MvccStore store;
  private long index;

  @BeforeEach
  void open() {
    lessor = new Lessor(clock);
    store = MvccStore.open(tmp.open(), MvccConfig.defaults(), lessor::exists);
    lessor.recover(store);
  }

  @AfterEach
  void close() {
    store.close();
    tmp.close();
  }

  /** Applies one command as its own batch at the next index, as the state machine does. */
  private <T> T apply(BiFunction<ApplyBatch, Long, T> command) {
    try (ApplyBatch batch = store.newBatch()) {
      long at = index + 1;
      T result = command.apply(batch, at);
      batch.commit(new AppliedIndex(1, at));
      index = at;
      return result;
    }
  }

  private Lease grant(long id, long ttl) {
    return apply((b, i) -> lessor.grant(b, id, ttl, i));
  }

  private void put(String key, long lease) {
    apply((b, i) -> b.put(PutRequest.of(Bytes.utf8(key), Bytes.utf8("v"), lease)));
  }

  private List<String> keys() {
    List<String> out = new ArrayList<>();
    for (KeyValue kv : store.range(RangeRequest.range(new byte[] {0}, new byte[] {0})).kvs()) {
      out.add(new String(kv.key(), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Closes and reopens the store with a fresh lessor, as a restarted member does. */
  private void reopen() {
    store.close();
    open();
  }

  private void advance(long seconds) {
    clock.advance(Duration.ofSeconds(seconds));
  }

  @Test
  void grant_storesLeaseAndStartsDeadline() {
    Lease lease = grant(5, 10);

    assertThat(lease).isEqualTo(new Lease(5, 10, 0, 1));
    assertThat(lessor.exists(5)).isTrue();
    assertThat(lessor.leases()).containsExactly(lease);
    assertThat(lessor.status(5).orElseThrow().remainingTtl()).isEqualTo(10);
    assertThat(store.currentRevision()).isEqualTo(1); // a grant writes no key
  }

  @Test
  void grant_refusals_writeNothing() {
    grant(5, 10);

    assertThatThrownBy(() -> grant(5, 20))
        .isInstanceOf(LeaseExistsException.class)
        .hasMessage("etcdserver: lease already exists");
    assertThatThrownBy(() -> grant(6, Lessor.MAX_TTL + 1))
        .isInstanceOf(LeaseTtlTooLargeException.class)
        .hasMessage("etcdserver: too large lease TTL");
    assertThatThrownBy(() -> grant(0, 10))
        .isInstanceOf(LeaseNotFoundException.class)
        .hasMessage("etcdserver: requested lease not found");

    assertThat(lessor.leases()).extracting(Lease::id).containsExactly(5L);
    reopen();
    assertThat(lessor.leases()).containsExactly(new Lease(5, 10, 0, 1));
  }

  @Test
  void grant_maxTtl_isAccepted() {
    grant(7, Lessor.MAX_TTL);

    assertThat(lessor.status(7).orElseThrow().remainingTtl()).isPositive();
    assertThat(lessor.expired(10).leases()).isEmpty();
  }

  @Test
  void put_needsAnExistingLease() {
    assertThatThrownBy(() -> put("k", 9))
        .isInstanceOf(LeaseNotFoundException.class)
        .hasMessage("etcdserver: requested lease not found");

    grant(9, 10);
    put("k", 9);

    assertThat(store.leaseKeys(9)).containsExactly(Bytes.utf8("k"));
  }

  @Test
  void revoke_deletesEveryAttachedKeyAtOneRevision() {
    grant(1, 10);
    grant(2, 10);
    put("a", 1);
    put("b", 1);
    put("c", 2);
    put("d", 1);
    long before = store.currentRevision();

    DeleteRangeResult deleted = apply((b, i) -> lessor.revoke(b, 1, i));

    assertThat(deleted.deleted()).isEqualTo(3);
    assertThat(deleted.revision()).isEqualTo(before + 1);
    assertThat(store.currentRevision()).isEqualTo(before + 1);
    assertThat(keys()).containsExactly("c");
    assertThat(lessor.exists(1)).isFalse();
    assertThat(store.leaseKeys(1)).isEmpty();
    List<Event> events = store.history(before + 1, before + 1, false, 100);
    assertThat(events)
        .extracting(e -> new String(e.kv().key(), StandardCharsets.UTF_8))
        .containsExactly("a", "b", "d");
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.type()).isEqualTo(Event.Type.DELETE);
              assertThat(e.kv().modRevision()).isEqualTo(before + 1);
            });
    reopen();
    assertThat(lessor.leases()).extracting(Lease::id).containsExactly(2L);
  }

  @Test
  void revoke_manyKeys_isNotBoundByMaxTxnOps() {
    grant(1, 10);
    for (int i = 0; i < MvccConfig.defaults().maxTxnOps() + 50; i++) {
      put(String.format("k%03d", i), 1);
    }
    long before = store.currentRevision();

    apply((b, i) -> lessor.revoke(b, 1, i));

    assertThat(keys()).isEmpty();
    assertThat(store.currentRevision()).isEqualTo(before + 1);
  }

  @Test
  void revoke_withoutKeys_keepsTheRevision() {
    grant(1, 10);
    long before = store.currentRevision();

    apply((b, i) -> lessor.revoke(b, 1, i));

    assertThat(store.currentRevision()).isEqualTo(before);
    assertThat(lessor.exists(1)).isFalse();
  }

  @Test
  void revoke_unknownLease_throwsNotFound() {
    assertThatThrownBy(() -> apply((b, i) -> lessor.revoke(b, 42, i)))
        .isInstanceOf(LeaseNotFoundException.class)
        .hasMessage("etcdserver: requested lease not found");
  }

  @Test
  void expired_reportsLeasesAtTheirDeadline_thenRetriesAfter3s() {
    grant(1, 10);
    grant(2, 20);

    advance(9);
    assertThat(lessor.expired(10).leases()).isEmpty();
    advance(1);
    Lessor.Expired first = lessor.expired(10);
    assertThat(first.leases()).containsExactly(1L);
    assertThat(first.asOf()).isEqualTo(index);
    assertThat(lessor.expired(10).leases()).isEmpty();

    advance(3);
    assertThat(lessor.expired(10).leases()).containsExactly(1L);
  }

  @Test
  void expired_honorsTheLimit() {
    for (long id = 1; id <= 5; id++) {
      grant(id, 10);
    }
    advance(10);

    assertThat(lessor.expired(3).leases()).containsExactly(1L, 2L, 3L);
    assertThat(lessor.expired(3).leases()).containsExactly(4L, 5L);
  }

  @Test
  void renew_restartsTheFullTtl_andClearsTheCheckpoint() {
    grant(1, 10);
    advance(4);
    Lessor.Checkpoints cps = lessor.checkpoints();
    apply((b, i) -> lessor.checkpoint(b, cps.leases(), cps.asOf(), i));
    assertThat(lessor.lease(1).orElseThrow().checkpointedTtl()).isEqualTo(6);

    long ttl = apply((b, i) -> lessor.renew(b, 1, i)).orElseThrow();

    assertThat(ttl).isEqualTo(10);
    Lease lease = lessor.lease(1).orElseThrow();
    assertThat(lease.checkpointedTtl()).isZero();
    assertThat(lease.renewedAt()).isEqualTo(index);
    advance(9);
    assertThat(lessor.expired(10).leases()).isEmpty();
    advance(1);
    assertThat(lessor.expired(10).leases()).containsExactly(1L);
  }

  @Test
  void renew_unknownLease_isEmpty() {
    OptionalLong ttl = apply((b, i) -> lessor.renew(b, 3, i));

    assertThat(ttl).isEmpty();
  }

  @Test
  void checkpoints_roundUp_andOnlyAgedLeases() {
    grant(1, 10);
    clock.advance(Duration.ofMillis(500));
    assertThat(lessor.checkpoints().leases()).isEmpty(); // 9.5 s rounds up to 10: nothing aged

    clock.advance(Duration.ofSeconds(1));
    assertThat(lessor.checkpoints().leases()).containsExactly(new Lessor.Checkpoint(1, 9));
  }

  @Test
  void checkpoint_onTheLeader_doesNotMoveItsDeadline() {
    grant(1, 10);
    advance(4);
    Lessor.Checkpoints cps = lessor.checkpoints();
    // The commit takes a while: the leader applies its checkpoint later than it computed it.
    clock.advance(Duration.ofMillis(700));
    apply((b, i) -> lessor.checkpoint(b, cps.leases(), cps.asOf(), i));

    clock.advance(Duration.ofMillis(5300));
    assertThat(lessor.expired(10).leases()).containsExactly(1L); // exactly 10 s after the grant
  }

  @Test
  void checkpoint_onAFollower_tightensItsLaterEstimate() {
    grant(1, 10);
    Lessor follower = new Lessor(clock);
    follower.recover(store); // loaded at the grant: deadline at 10 s
    advance(4);
    Lessor.Checkpoints cps = lessor.checkpoints();

    // The follower had heard nothing newer; a checkpoint it applies resumes from 6 s left.
    try (ApplyBatch batch = store.newBatch()) {
      follower.checkpoint(batch, cps.leases(), cps.asOf(), index + 1);
    }
    assertThat(follower.status(1).orElseThrow().remainingNanos())
        .isEqualTo(Duration.ofSeconds(6).toNanos());
  }

  @Test
  void checkpointAndExpire_decidedBeforeARenewal_areIgnored() {
    grant(1, 10);
    advance(10);
    Lessor.Expired expired = lessor.expired(10);
    Lessor.Checkpoints stale =
        new Lessor.Checkpoints(expired.asOf(), List.of(new Lessor.Checkpoint(1, 1)));
    apply((b, i) -> lessor.renew(b, 1, i)); // committed between the decisions and their commands

    Optional<DeleteRangeResult> revoked = apply((b, i) -> lessor.expire(b, 1, expired.asOf(), i));
    int checkpointed = apply((b, i) -> lessor.checkpoint(b, stale.leases(), stale.asOf(), i));

    assertThat(revoked).isEmpty();
    assertThat(checkpointed).isZero();
    assertThat(lessor.lease(1).orElseThrow().checkpointedTtl()).isZero();
    assertThat(lessor.status(1).orElseThrow().remainingTtl()).isEqualTo(10);
  }

  @Test
  void expire_deletesKeys_whenNotRenewed() {
    grant(1, 10);
    put("a", 1);
    advance(10);
    Lessor.Expired expired = lessor.expired(10);

    Optional<DeleteRangeResult> revoked = apply((b, i) -> lessor.expire(b, 1, expired.asOf(), i));

    assertThat(revoked).hasValueSatisfying(r -> assertThat(r.deleted()).isEqualTo(1));
    assertThat(keys()).isEmpty();
    assertThat(lessor.exists(1)).isFalse();
    Optional<DeleteRangeResult> again = apply((b, i) -> lessor.expire(b, 1, expired.asOf(), i));
    assertThat(again).isEmpty();
  }

  @Test
  void recover_afterReopen_resumesFromTheCheckpoint() {
    grant(1, 10);
    grant(2, 30);
    put("k", 1);
    advance(4);
    Lessor.Checkpoints cps = lessor.checkpoints();
    apply((b, i) -> lessor.checkpoint(b, List.of(cps.leases().get(0)), cps.asOf(), i));

    reopen();

    assertThat(lessor.leases()).containsExactly(new Lease(1, 10, 6, 1), new Lease(2, 30, 0, 2));
    assertThat(store.leaseKeys(1)).containsExactly(Bytes.utf8("k"));
    assertThat(lessor.appliedIndex()).isEqualTo(index);
    // Lease 1 resumes with its checkpointed 6 s; lease 2 was never checkpointed: full 30 s.
    advance(5);
    assertThat(lessor.expired(10).leases()).isEmpty();
    advance(1);
    Lessor.Expired expired = lessor.expired(10);
    assertThat(expired.leases()).containsExactly(1L);
    apply((b, i) -> lessor.expire(b, 1, expired.asOf(), i));
    advance(23);
    assertThat(lessor.expired(10).leases()).isEmpty();
    advance(1);
    assertThat(lessor.expired(10).leases()).containsExactly(2L);
  }

  @Test
  void recover_keepsEveryIdBitPattern() {
    grant(-5, 10);
    grant(Long.MAX_VALUE, 10);
    grant(Long.MIN_VALUE, 10);
    put("neg", -5);

    reopen();

    assertThat(lessor.leases())
        .extracting(Lease::id)
        .containsExactly(Long.MIN_VALUE, -5L, Long.MAX_VALUE);
    assertThat(store.leaseKeys(-5)).containsExactly(Bytes.utf8("neg"));
  }

  @Test
  void recover_fromARocksDbCheckpoint_hasTheLeases() {
    grant(1, 10);
    put("k", 1);
    var dir = tmp.newPath("snapshot");
    store.checkpoint(dir);

    Lessor restored = new Lessor(clock);
    try (MvccStore copy =
        MvccStore.open(TmpRocksBackend.open(dir), MvccConfig.defaults(), restored::exists)) {
      restored.recover(copy);

      assertThat(restored.leases()).containsExactly(new Lease(1, 10, 0, 1));
      assertThat(copy.leaseKeys(1)).containsExactly(Bytes.utf8("k"));
    } finally {
      TmpRocksBackend.deleteRecursively(dir);
    }
  }

  @Test
  void states_listsOnlyTheGivenPrefix_inOrder() {
    apply(
        (b, i) -> {
          b.putState("alarm/NOSPACE", new byte[] {1});
          b.putState("lease/b", new byte[] {2});
          b.putState("lease/a", new byte[] {3});
          b.putState("leases", new byte[] {4});
          return null;
        });

    assertThat(store.states("lease/").keySet()).containsExactly("lease/a", "lease/b");
    assertThat(store.states("lease/").get("lease/a")).containsExactly(3);
  }
}
