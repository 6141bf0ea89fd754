package io.strata.server.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Event;
import io.strata.core.lease.Lessor;
import io.strata.core.mvcc.MvccConfig;
import io.strata.core.mvcc.MvccStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A batch entry must leave the same store and give the same replies as one entry per command: the
 * model here is the unbatched applier itself, fed the same commands one by one.
 */
class CommandBatchTest {

  @Example
  void logForm_roundTrips_andKeepsEachCommandsOwnForm() {
    List<byte[]> commands =
        List.of(
            new Command.Put(put("a", "1", 0)).encode(),
            new Command.DeleteRange(DeleteRangeRequest.newBuilder().setKey(bs("a")).build())
                .encode(),
            new Command.Txn(TxnRequest.getDefaultInstance()).encode(),
            new byte[] {Command.PUT}); // an empty PutRequest is a valid log form
    byte[] entry = CommandBatch.encode(commands);

    assertThat(entry[0]).isEqualTo(Command.BATCH);
    assertThat(CommandBatch.isBatch(entry)).isTrue();
    assertThat(CommandBatch.decode(entry)).containsExactlyElementsOf(commands);
    assertThat(CommandBatch.decodeReplies(CommandBatch.encodeReplies(commands)))
        .containsExactlyElementsOf(commands);
    assertThat(CommandBatch.decodeReplies(CommandBatch.encodeReplies(List.of()))).isEmpty();
  }

  @Example
  void onlyKvWrites_travelInBatches() {
    byte[] compact =
        new Command.Compact(io.strata.api.etcdserverpb.CompactionRequest.getDefaultInstance())
            .encode();
    assertThat(CommandBatch.batchable(compact)).isFalse();
    assertThat(CommandBatch.batchable(new byte[0])).isFalse();
    assertThatThrownBy(() -> CommandBatch.encode(List.of(compact)))
        .isInstanceOf(IllegalArgumentException.class);
    // Nor does a decoded batch smuggle one in.
    byte[] forged = CommandBatch.encodeReplies(List.of(compact));
    byte[] entry = new byte[forged.length + 1];
    entry[0] = Command.BATCH;
    System.arraycopy(forged, 0, entry, 1, forged.length);
    assertThatThrownBy(() -> CommandBatch.decode(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt command batch");
  }

  @Example
  void truncatedBatch_isCorrupt() {
    byte[] entry = CommandBatch.encode(List.of(new Command.Put(put("a", "1", 0)).encode()));
    byte[] cut = Arrays.copyOf(entry, entry.length - 1);
    assertThatThrownBy(() -> CommandBatch.decode(cut))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt command batch");
  }

  @Property(tries = 40)
  void batchedEntries_giveTheStoreAndRepliesOfOneEntryPerCommand(
      @ForAll("commands") @Size(min = 1, max = 30) List<Command> commands,
      @ForAll @IntRange(min = 1, max = 8) int groupSize) {
    Outcome single;
    try (Applied a = new Applied()) {
      for (Command c : commands) {
        a.replies.add(a.apply(c.encode()));
      }
      single = a.outcome();
    }
    Outcome batched;
    try (Applied a = new Applied()) {
      for (int from = 0; from < commands.size(); from += groupSize) {
        List<byte[]> group = new ArrayList<>();
        for (Command c : commands.subList(from, Math.min(commands.size(), from + groupSize))) {
          group.add(c.encode());
        }
        a.replies.addAll(CommandBatch.decodeReplies(a.apply(CommandBatch.encode(group))));
      }
      batched = a.outcome();
    }

    assertThat(batched.replies()).hasSameSizeAs(single.replies());
    for (int i = 0; i < single.replies().size(); i++) {
      assertThat(batched.replies().get(i)).as("reply %d", i).isEqualTo(single.replies().get(i));
    }
    assertThat(batched.events()).isEqualTo(single.events());
    assertThat(batched.revision()).isEqualTo(single.revision());
    assertThat(batched.hash()).isEqualTo(single.hash());
  }

  @Provide
  Arbitrary<List<Command>> commands() {
    Arbitrary<String> key = Arbitraries.of("a", "b", "c", "d");
    Arbitrary<Command> put =
        Combinators.combine(key, Arbitraries.strings().alpha().ofMaxLength(3), lease())
            .as((k, v, lease) -> new Command.Put(put(k, v, lease)));
    Arbitrary<Command> delete =
        Combinators.combine(key, Arbitraries.of("", "c", "\0"))
            .as(
                (k, end) ->
                    new Command.DeleteRange(
                        DeleteRangeRequest.newBuilder()
                            .setKey(bs(k))
                            .setRangeEnd(bs(end))
                            .setPrevKv(true)
                            .build()));
    // Kubernetes' optimistic update, whose compare depends on what the batch wrote before it.
    Arbitrary<Command> txn =
        Combinators.combine(
                key, Arbitraries.longs().between(0, 6), Arbitraries.strings().alpha().ofLength(2))
            .as(
                (k, rev, v) ->
                    new Command.Txn(
                        TxnRequest.newBuilder()
                            .addCompare(
                                Compare.newBuilder()
                                    .setKey(bs(k))
                                    .setTarget(Compare.CompareTarget.MOD)
                                    .setResult(Compare.CompareResult.EQUAL)
                                    .setModRevision(rev))
                            .addSuccess(
                                RequestOp.newBuilder().setRequestPut(put(k, v, 0).toBuilder()))
                            .addFailure(
                                RequestOp.newBuilder()
                                    .setRequestRange(RangeRequest.newBuilder().setKey(bs(k))))
                            .build()));
    // etcd refuses these: a put of a lease that does not exist, and a txn that puts one key twice.
    Arbitrary<Command> refused =
        key.map(
            k ->
                new Command.Txn(
                    TxnRequest.newBuilder()
                        .addSuccess(
                            RequestOp.newBuilder().setRequestPut(put(k, "x", 0).toBuilder()))
                        .addSuccess(
                            RequestOp.newBuilder().setRequestPut(put(k, "y", 0).toBuilder()))
                        .build()));
    return Arbitraries.frequencyOf(
            Tuple.of(4, put), Tuple.of(2, delete), Tuple.of(3, txn), Tuple.of(1, refused))
        .list();
  }

  /** Mostly no lease; sometimes one that does not exist, which etcd refuses. */
  private static Arbitrary<Long> lease() {
    return Arbitraries.of(0L, 0L, 0L, 999L);
  }

  private static PutRequest put(String key, String value, long lease) {
    return PutRequest.newBuilder()
        .setKey(bs(key))
        .setValue(bs(value))
        .setLease(lease)
        .setPrevKv(true)
        .build();
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private record Outcome(List<byte[]> replies, List<Event> events, long revision, int hash) {}

  /** A fresh store and applier; each {@link #apply} is the next log entry. */
  private static final class Applied implements AutoCloseable {
    final TmpRocksBackend dir = new TmpRocksBackend();
    final Lessor lessor = new Lessor(io.strata.core.time.SystemClock.INSTANCE);
    final MvccStore store;
    final CommandApplier applier;
    final List<byte[]> replies = new ArrayList<>();
    final List<Event> events = new ArrayList<>();
    long index;

    Applied() {
      store = MvccStore.open(dir.open(), MvccConfig.defaults(), lessor::exists);
      lessor.recover(store);
      applier = new CommandApplier(store, lessor, events::addAll);
    }

    byte[] apply(byte[] entry) {
      index++;
      return applier.apply(entry, new AppliedIndex(1, index));
    }

    Outcome outcome() {
      long revision = store.currentRevision();
      return new Outcome(
          List.copyOf(replies), List.copyOf(events), revision, store.hashKv(revision).hash());
    }

    @Override
    public void close() {
      store.close();
      dir.close();
    }
  }
}
