package io.strata.core.mvcc;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.CompactedException;
import io.strata.core.FutureRevisionException;
import io.strata.core.InvalidRequestException;
import io.strata.core.LeaseNotFoundException;
import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.Compare;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.Event;
import io.strata.core.kv.HashResult;
import io.strata.core.kv.Op;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.SortOrder;
import io.strata.core.kv.SortTarget;
import io.strata.core.kv.TxnRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.jspecify.annotations.Nullable;

/**
 * Random sequences of puts, deletes, transactions, multi-request batches, compactions, reads,
 * history reads, hashes and restarts, applied to an {@link MvccStore} on RocksDB and to {@link
 * ModelKv} side by side. Every result or error must match the model's, and after every step so must
 * the revisions, the applied index, the whole key space and the lease index. jqwik shrinks a
 * failure to a minimal sequence.
 *
 * <p>The store runs with a small transaction budget and compaction batch so that etcd's op budget
 * for nested transactions and compaction in several backend writes are exercised.
 */
class MvccStorePropertyTest {
  // A small latest-version cache, so that runs both hit it and evict from it.
  private static final MvccConfig CONFIG = new MvccConfig(5, 2, 600);
  private static final byte[] NUL = {0};
  private static final RangeRequest ALL = RangeRequest.range(NUL, NUL);

  /** Leases 1 to 3 exist; 4 does not. */
  private static final long MAX_LEASE = 3;

  private static boolean isLease(long lease) {
    return lease >= 1 && lease <= MAX_LEASE;
  }

  /**
   * Opening RocksDB (once or twice per try) dominates the run time and is mostly file system work,
   * so where a tmpfs is at hand the stores live there, away from disk contention.
   */
  private static final Path BASE =
      Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm"))
          ? Path.of("/dev/shm")
          : Path.of(System.getProperty("java.io.tmpdir"));

  /**
   * The stores opened by the try running on this thread, closed (and their directories deleted)
   * after it. Per thread because jqwik shrinks on a thread of its own and may abandon it on
   * timeout.
   */
  private static final ThreadLocal<List<Harness>> OPEN = ThreadLocal.withInitial(ArrayList::new);

  /** Directories not deleted yet; an abandoned shrinking thread can leave some at JVM exit. */
  private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Path dir : DIRECTORIES) {
                    try {
                      TmpRocksBackend.deleteRecursively(dir);
                    } catch (RuntimeException e) {
                      // Best effort at exit.
                    }
                  }
                }));
  }

  // No tries attribute: jqwik then uses jqwik.tries.default, which the build sets (1000 by
  // default, more with -Pproperty-long). An annotation cannot read a system property itself.
  @Property
  void store_randomActions_matchesModel(@ForAll("chains") ActionChain<Harness> chain) {
    try {
      chain.withInvariant("store matches model", Harness::checkState).run();
    } finally {
      for (Harness h : OPEN.get()) {
        h.close();
      }
      OPEN.get().clear();
    }
  }

  @Provide
  Arbitrary<ActionChain<Harness>> chains() {
    return ActionChain.<Harness>startWith(
            () -> {
              Harness h = new Harness();
              OPEN.get().add(h);
              return h;
            })
        .withAction(10, independent(() -> puts().map(p -> step("put " + show(p), h -> h.put(p)))))
        .withAction(3, independent(() -> deletes().map(d -> step(show(d), h -> h.delete(d)))))
        .withAction(6, dependent(h -> txns(h.rev(), 0).map(t -> step(show(t), x -> x.txn(t)))))
        .withAction(2, dependent(h -> batches(h.rev())))
        .withAction(4, dependent(h -> ranges(h.rev(), false).map(MvccStorePropertyTest::read)))
        .withAction(2, dependent(MvccStorePropertyTest::compactions))
        .withAction(2, dependent(MvccStorePropertyTest::histories))
        .withAction(2, dependent(MvccStorePropertyTest::hashes))
        .withAction(1, Action.just(Transformer.mutate("reopen", Harness::reopen)))
        .withMaxTransformations(30);
  }

  // --- the store and the model side by side ---------------------------------------------------

  /** The outcome of a request: its result, or the error with the data that matters. */
  private record Outcome(@Nullable Object result, @Nullable String error) {
    static Outcome of(Supplier<?> call) {
      try {
        return new Outcome(call.get(), null);
      } catch (InvalidRequestException e) {
        return new Outcome(null, "InvalidRequest " + e.reason());
      } catch (CompactedException e) {
        return new Outcome(null, "Compacted at " + e.compactRevision());
      } catch (FutureRevisionException e) {
        return new Outcome(null, "FutureRevision, current " + e.currentRevision());
      } catch (LeaseNotFoundException e) {
        return new Outcome(null, "LeaseNotFound " + e.leaseId());
      }
    }
  }

  static final class Harness implements AutoCloseable {
    private final Path dir = newDirectory();
    private final ModelKv model = new ModelKv(CONFIG.maxTxnOps(), MvccStorePropertyTest::isLease);
    private MvccStore store = open();
    private long lastIndex;
    private AppliedIndex applied = AppliedIndex.NONE;

    /** Hashes seen at each revision since the last compaction: they must never change. */
    private final Map<Long, Integer> hashes = new HashMap<>();

    private MvccStore open() {
      return MvccStore.open(TmpRocksBackend.open(dir), CONFIG, MvccStorePropertyTest::isLease);
    }

    long rev() {
      return model.currentRevision();
    }

    private AppliedIndex nextIndex() {
      return new AppliedIndex(1, ++lastIndex);
    }

    void put(PutRequest p) {
      write(() -> model.put(p), i -> store.put(p, i));
    }

    void delete(DeleteRangeRequest d) {
      write(() -> model.deleteRange(d), i -> store.deleteRange(d, i));
    }

    void txn(TxnRequest t) {
      write(() -> model.txn(t), i -> store.txn(t, i));
    }

    private void write(Supplier<?> modelCall, Function<AppliedIndex, Applied<?>> call) {
      long before = model.currentRevision();
      Outcome expected;
      try {
        expected = Outcome.of(modelCall);
      } catch (ModelKv.UndefinedInEtcdException e) {
        return; // etcd panics on this request: nothing to compare
      }
      AppliedIndex index = nextIndex();
      List<Event> events = new ArrayList<>();
      Outcome actual =
          Outcome.of(
              () -> {
                Applied<?> a = call.apply(index);
                applied = index;
                events.addAll(a.events());
                return a.result();
              });
      assertThat(actual).isEqualTo(expected);
      assertThat(events).as("events of the write").isEqualTo(newEvents(before));
    }

    /** The model's events of the revision just written, if the last request wrote one. */
    private List<Event> newEvents(long before) {
      long now = model.currentRevision();
      return now == before ? List.of() : model.history(now, now, true, Integer.MAX_VALUE);
    }

    /** Applies the requests in one batch; a {@code Long} is a compaction. */
    void batch(List<Object> requests) {
      AppliedIndex index = nextIndex();
      List<Event> expectedEvents = new ArrayList<>();
      List<CompletableFuture<Void>> compactions = new ArrayList<>();
      List<Event> events;
      try (ApplyBatch batch = store.newBatch()) {
        for (Object request : requests) {
          long before = model.currentRevision();
          Outcome expected;
          try {
            expected = Outcome.of(() -> applyToModel(request));
          } catch (ModelKv.UndefinedInEtcdException e) {
            continue;
          }
          Outcome actual = Outcome.of(() -> applyToBatch(batch, request, compactions));
          assertThat(actual).as(describe(request)).isEqualTo(expected);
          expectedEvents.addAll(newEvents(before));
        }
        events = batch.commit(index);
        applied = index;
      }
      assertThat(events).as("events of the batch").isEqualTo(expectedEvents);
      if (!compactions.isEmpty()) {
        hashes.clear();
        await(compactions.get(compactions.size() - 1));
      }
    }

    private @Nullable Object applyToModel(Object request) {
      if (request instanceof PutRequest p) {
        return model.put(p);
      } else if (request instanceof DeleteRangeRequest d) {
        return model.deleteRange(d);
      } else if (request instanceof TxnRequest t) {
        return model.txn(t);
      } else if (request instanceof RangeRequest r) {
        return model.range(r);
      }
      model.compact((Long) request);
      return null;
    }

    private static @Nullable Object applyToBatch(
        ApplyBatch batch, Object request, List<CompletableFuture<Void>> compactions) {
      if (request instanceof PutRequest p) {
        return batch.put(p);
      } else if (request instanceof DeleteRangeRequest d) {
        return batch.deleteRange(d);
      } else if (request instanceof TxnRequest t) {
        return batch.txn(t);
      } else if (request instanceof RangeRequest r) {
        return batch.range(r);
      }
      compactions.add(batch.compact((Long) request));
      return null;
    }

    void range(RangeRequest r) {
      assertThat(Outcome.of(() -> store.range(r))).isEqualTo(Outcome.of(() -> model.range(r)));
    }

    void compact(long rev, boolean waitForRemoval) {
      Outcome expected =
          Outcome.of(
              () -> {
                model.compact(rev);
                return null;
              });
      AppliedIndex index = nextIndex();
      List<CompletableFuture<Void>> done = new ArrayList<>();
      Outcome actual =
          Outcome.of(
              () -> {
                done.add(store.compact(rev, index));
                applied = index;
                return null;
              });
      assertThat(actual).isEqualTo(expected);
      if (!done.isEmpty()) {
        hashes.clear();
        if (waitForRemoval) {
          await(done.get(0));
        }
      }
    }

    void history(long from, long to, boolean withPrevKv, int maxEvents) {
      assertThat(Outcome.of(() -> store.history(from, to, withPrevKv, maxEvents)))
          .isEqualTo(Outcome.of(() -> model.history(from, to, withPrevKv, maxEvents)));
    }

    /**
     * hashKv at {@code rev} obeys the read revision rules and never changes between compactions.
     */
    void hash(long rev) {
      Outcome expected = Outcome.of(() -> model.readRevision(rev));
      Outcome actual = Outcome.of(() -> store.hashKv(rev));
      if (expected.error() != null || actual.error() != null) {
        assertThat(actual).isEqualTo(expected);
        return;
      }
      // Neither call failed, so both have a result.
      HashResult h = (HashResult) Objects.requireNonNull(actual.result());
      assertThat(h.hashRevision()).isEqualTo(expected.result());
      assertThat(h.compactRevision()).isEqualTo(model.compactRevision());
      assertThat(h.currentRevision()).isEqualTo(model.currentRevision());
      Integer seen = hashes.putIfAbsent(h.hashRevision(), h.hash());
      if (seen != null) {
        assertThat(h.hash()).as("hash at %d", h.hashRevision()).isEqualTo(seen);
      }
    }

    /**
     * Compacts at {@code compactAt}, then hashes at {@code rev} (0: current) before and after the
     * old versions are physically gone: the hash must not see the difference.
     */
    void compactThenHash(long compactAt, long rev) {
      model.compact(compactAt);
      AppliedIndex index = nextIndex();
      CompletableFuture<Void> done = store.compact(compactAt, index);
      applied = index;
      hashes.clear();
      int early = store.hashKv(rev).hash();
      await(done);
      int late = store.hashKv(rev).hash();
      assertThat(late).as("hash before and after physical compaction").isEqualTo(early);
      hash(rev);
    }

    void reopen() {
      store.close();
      store = open();
      for (Map.Entry<Long, Integer> e : hashes.entrySet()) {
        assertThat(store.hashKv(e.getKey()).hash())
            .as("hash at %d after reopen", e.getKey())
            .isEqualTo(e.getValue());
      }
    }

    void checkState() {
      assertThat(store.currentRevision()).as("current revision").isEqualTo(model.currentRevision());
      assertThat(store.compactRevision()).as("compact revision").isEqualTo(model.compactRevision());
      assertThat(store.appliedIndex()).as("applied index").isEqualTo(applied);
      assertThat(store.range(ALL)).as("all keys").isEqualTo(model.range(ALL));
      for (long lease = 1; lease <= MAX_LEASE; lease++) {
        assertThat(latin1(store.leaseKeys(lease)))
            .as("keys of lease %d", lease)
            .isEqualTo(latin1(model.leaseKeys(lease)));
      }
    }

    private static void await(CompletableFuture<Void> done) {
      try {
        done.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("compaction did not finish", e);
      }
    }

    @Override
    public void close() {
      try {
        store.close();
      } finally {
        TmpRocksBackend.deleteRecursively(dir);
        DIRECTORIES.remove(dir);
      }
    }

    @Override
    public String toString() {
      return "Harness{revision=" + model.currentRevision() + "}";
    }
  }

  private static Path newDirectory() {
    try {
      Path dir = Files.createTempDirectory(BASE, "strata-property-");
      DIRECTORIES.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- actions --------------------------------------------------------------------------------

  private static Transformer<Harness> step(String description, Consumer<Harness> f) {
    return Transformer.mutate(description, f);
  }

  private static Action.Independent<Harness> independent(
      Supplier<Arbitrary<Transformer<Harness>>> f) {
    return f::get;
  }

  private static Action.Dependent<Harness> dependent(
      Function<Harness, Arbitrary<Transformer<Harness>>> f) {
    return f::apply;
  }

  private static Transformer<Harness> read(RangeRequest r) {
    return step(show(r), h -> h.range(r));
  }

  private static Arbitrary<Transformer<Harness>> batches(long rev) {
    Arbitrary<Object> request =
        Arbitraries.frequencyOf(
            Tuple.of(4, any(puts())),
            Tuple.of(2, any(deletes())),
            Tuple.of(3, any(txns(rev, 0))),
            Tuple.of(1, any(ranges(rev + 2, false))),
            Tuple.of(1, any(Arbitraries.longs().between(0, rev + 2))));
    return request
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(
            requests ->
                step(
                    requests.stream()
                        .map(MvccStorePropertyTest::describe)
                        .collect(Collectors.joining("; ", "batch{", "}")),
                    h -> h.batch(requests)));
  }

  private static Arbitrary<Object> any(Arbitrary<?> a) {
    return a.map(x -> (Object) x);
  }

  private static Arbitrary<Transformer<Harness>> compactions(Harness h) {
    long compacted = h.model.compactRevision();
    long current = h.rev();
    List<Tuple.Tuple2<Integer, Arbitrary<Long>>> choices = new ArrayList<>();
    if (current > compacted) {
      choices.add(Tuple.of(6, Arbitraries.longs().between(compacted + 1, current)));
    }
    choices.add(Tuple.of(1, Arbitraries.longs().between(Math.max(compacted - 1, 0), compacted)));
    choices.add(Tuple.of(1, Arbitraries.just(current + 1)));
    Arbitrary<Long> revs = Arbitraries.frequencyOf(choices);
    return Combinators.combine(revs, Arbitraries.of(true, false))
        .as(
            (rev, wait) ->
                step("compact " + rev + (wait ? " and wait" : ""), x -> x.compact(rev, wait)));
  }

  private static Arbitrary<Transformer<Harness>> histories(Harness h) {
    long compacted = h.model.compactRevision();
    long current = h.rev();
    Arbitrary<Long> from =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.longs().between(compacted, current + 1)),
            Tuple.of(1, Arbitraries.just(compacted - 1)));
    Arbitrary<Long> to =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(Long.MAX_VALUE)),
            Tuple.of(1, Arbitraries.just(current)),
            Tuple.of(2, Arbitraries.longs().between(compacted, current + 1)));
    Arbitrary<Integer> max =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(Integer.MAX_VALUE)),
            Tuple.of(1, Arbitraries.integers().between(0, 4)));
    return Combinators.combine(from, to, Arbitraries.of(true, false), max)
        .as(
            (f, t, prev, m) ->
                step(
                    "history " + f + ".." + t + (prev ? " prevKv" : "") + " max " + m,
                    x -> x.history(f, t, prev, m)));
  }

  private static Arbitrary<Transformer<Harness>> hashes(Harness h) {
    long compacted = h.model.compactRevision();
    long current = h.rev();
    Arbitrary<Long> revs =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(0L)),
            Tuple.of(5, Arbitraries.longs().between(compacted - 1, current + 1)));
    Arbitrary<Transformer<Harness>> plain = revs.map(r -> step("hashKv " + r, x -> x.hash(r)));
    if (current <= compacted) {
      return plain;
    }
    Arbitrary<Transformer<Harness>> compacting =
        Arbitraries.longs()
            .between(compacted + 1, current)
            .flatMap(
                c ->
                    Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(c, current))
                        .map(
                            r ->
                                step(
                                    "compact " + c + ", hashKv " + r + " before and after removal",
                                    x -> x.compactThenHash(c, r))));
    return Arbitraries.oneOf(plain, compacting);
  }

  // --- requests -------------------------------------------------------------------------------

  /** A key interval: {@code end} empty is the single key, {@code "\0"} is unbounded. */
  // A generated request part that is only read: nothing compares or hashes an Interval.
  @SuppressWarnings("ArrayRecordComponent")
  private record Interval(byte[] key, byte[] end) {}

  private static Arbitrary<byte[]> keys() {
    return Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of("a", "b", "c")),
            Tuple.of(5, Arbitraries.strings().withChars("abc").ofMinLength(2).ofMaxLength(3)),
            Tuple.of(2, Arbitraries.of("\0", "a\0", "\0a", "a\0b", "a\1", "b\u00ff", "\u00ff")))
        .map(s -> s.getBytes(ISO_8859_1));
  }

  private static Arbitrary<byte[]> keysOrEmpty() {
    return Arbitraries.frequencyOf(
        Tuple.of(40, keys()), Tuple.of(1, Arbitraries.just(Bytes.EMPTY)));
  }

  private static Arbitrary<Interval> intervals() {
    return intervals(5);
  }

  /** Intervals, single keys with weight {@code single} against 9 for the wider kinds. */
  private static Arbitrary<Interval> intervals(int single) {
    return Arbitraries.frequencyOf(
        Tuple.of(single, keysOrEmpty().map(k -> new Interval(k, Bytes.EMPTY))),
        Tuple.of(2, keys().map(k -> new Interval(k, Bytes.prefixEnd(k)))),
        Tuple.of(2, keys().map(k -> new Interval(k, NUL))),
        Tuple.of(2, Arbitraries.just(new Interval(NUL, NUL))),
        Tuple.of(2, Combinators.combine(keys(), keys()).as(MvccStorePropertyTest::ordered)),
        Tuple.of(1, Combinators.combine(keys(), keys()).as(Interval::new)));
  }

  private static Interval ordered(byte[] a, byte[] b) {
    return Bytes.compare(a, b) <= 0 ? new Interval(a, b) : new Interval(b, a);
  }

  private static Arbitrary<byte[]> values() {
    return Arbitraries.strings().withChars("xyz").ofMaxLength(2).map(s -> s.getBytes(ISO_8859_1));
  }

  private static Arbitrary<Long> leases() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.just(0L)),
        Tuple.of(4, Arbitraries.longs().between(1, MAX_LEASE)),
        Tuple.of(1, Arbitraries.just(MAX_LEASE + 1)));
  }

  private static Arbitrary<PutRequest> puts() {
    return Combinators.combine(
            keysOrEmpty(),
            values(),
            leases(),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 19))
        .as(
            (k, v, lease, prevKv, flags) ->
                switch (flags) {
                  case 0 -> new PutRequest(k, Bytes.EMPTY, lease, prevKv, true, false);
                  case 1 -> new PutRequest(k, v, lease, prevKv, true, false);
                  case 2 -> new PutRequest(k, v, 0, prevKv, false, true);
                  case 3 -> new PutRequest(k, v, lease, prevKv, false, true);
                  case 4 -> new PutRequest(k, Bytes.EMPTY, 0, prevKv, true, true);
                  default -> new PutRequest(k, v, lease, prevKv, false, false);
                });
  }

  private static Arbitrary<DeleteRangeRequest> deletes() {
    // Mostly single keys, so that the key space does not stay nearly empty.
    return Combinators.combine(intervals(14), Arbitraries.of(true, false))
        .as((i, prevKv) -> new DeleteRangeRequest(i.key(), i.end(), prevKv));
  }

  /** Reads around revision {@code rev}; inside a transaction, never at a negative revision. */
  private static Arbitrary<RangeRequest> ranges(long rev, boolean inTxn) {
    Arbitrary<Long> revisions =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just(0L)),
            Tuple.of(3, Arbitraries.longs().between(inTxn ? 1 : -1, rev + 1)));
    Arbitrary<Long> filter =
        Arbitraries.frequencyOf(
            Tuple.of(14, Arbitraries.just(0L)),
            Tuple.of(1, Arbitraries.longs().between(1, rev + 1)));
    Arbitrary<long[]> filters =
        Combinators.combine(filter, filter, filter, filter)
            .as((a, b, c, d) -> new long[] {a, b, c, d});
    return Combinators.combine(
            intervals(3),
            revisions,
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0L)), Tuple.of(2, Arbitraries.longs().between(1, 3))),
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(SortTarget.KEY)),
                Tuple.of(2, Arbitraries.of(SortTarget.class))),
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(SortOrder.NONE)),
                Tuple.of(2, Arbitraries.of(SortOrder.class))),
            Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(false)), Tuple.of(1, Arbitraries.just(true))),
            Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(false)), Tuple.of(1, Arbitraries.just(true))),
            filters)
        .as(
            (i, r, limit, target, order, keysOnly, countOnly, f) ->
                new RangeRequest(
                    i.key(), i.end(), limit, r, order, target, keysOnly, countOnly, f[0], f[1],
                    f[2], f[3]));
  }

  private static Arbitrary<Compare> compares(long rev) {
    return Combinators.combine(
            intervals(),
            Arbitraries.of(Compare.Target.class),
            Arbitraries.of(Compare.Result.class),
            Arbitraries.longs().between(0, rev + 1),
            Arbitraries.longs().between(0, MAX_LEASE),
            values())
        .as(
            (i, target, result, number, lease, value) ->
                new Compare(
                    i.key(),
                    i.end(),
                    target,
                    result,
                    switch (target) {
                      case LEASE -> lease;
                      case VERSION -> number % 4;
                      case VALUE -> 0;
                      default -> number;
                    },
                    target == Compare.Target.VALUE ? value : Bytes.EMPTY));
  }

  private static Arbitrary<Op> ops(long rev, int depth) {
    List<Tuple.Tuple2<Integer, Arbitrary<Op>>> choices = new ArrayList<>();
    choices.add(Tuple.of(2, ranges(rev, true).map(Op::range)));
    choices.add(Tuple.of(4, puts().map(Op::put)));
    choices.add(Tuple.of(2, deletes().map(Op::delete)));
    if (depth < 2) {
      choices.add(Tuple.of(1, Arbitraries.lazy(() -> txns(rev, depth + 1)).map(Op::txn)));
    }
    return Arbitraries.frequencyOf(choices);
  }

  private static Arbitrary<TxnRequest> txns(long rev, int depth) {
    Arbitrary<TxnRequest> txn =
        Combinators.combine(
                compares(rev).list().ofMaxSize(3),
                ops(rev, depth).list().ofMaxSize(3),
                ops(rev, depth).list().ofMaxSize(3))
            .as(TxnRequest::new);
    if (depth > 0) {
      return txn;
    }
    // Rarely, more compares than the op budget allows.
    Arbitrary<TxnRequest> oversized =
        Combinators.combine(compares(rev), txn)
            .as(
                (c, t) ->
                    new TxnRequest(
                        Collections.nCopies(CONFIG.maxTxnOps() + 1, c), t.success(), t.failure()));
    return Arbitraries.frequencyOf(Tuple.of(40, txn), Tuple.of(1, oversized));
  }

  // --- descriptions for failure reports --------------------------------------------------------

  private static String describe(Object request) {
    if (request instanceof PutRequest p) {
      return "put " + show(p);
    } else if (request instanceof DeleteRangeRequest d) {
      return show(d);
    } else if (request instanceof TxnRequest t) {
      return show(t);
    } else if (request instanceof RangeRequest r) {
      return show(r);
    }
    return "compact " + request;
  }

  private static String key(byte[] k) {
    return "'" + Bytes.toDisplay(k) + "'";
  }

  private static String interval(byte[] key, byte[] end) {
    if (end.length == 0) {
      return key(key);
    }
    return "[" + key(key) + ", " + (Bytes.isUnbounded(end) ? "..." : key(end)) + ")";
  }

  private static List<String> latin1(List<byte[]> keys) {
    return keys.stream().map(k -> new String(k, ISO_8859_1)).toList();
  }

  private static String show(PutRequest p) {
    return key(p.key())
        + "="
        + key(p.value())
        + (p.lease() != 0 ? " lease " + p.lease() : "")
        + (p.prevKv() ? " prevKv" : "")
        + (p.ignoreValue() ? " ignoreValue" : "")
        + (p.ignoreLease() ? " ignoreLease" : "");
  }

  private static String show(DeleteRangeRequest d) {
    return "delete " + interval(d.key(), d.rangeEnd()) + (d.prevKv() ? " prevKv" : "");
  }

  private static String show(RangeRequest r) {
    StringBuilder sb = new StringBuilder("range ").append(interval(r.key(), r.rangeEnd()));
    if (r.revision() != 0) {
      sb.append(" rev ").append(r.revision());
    }
    if (r.limit() != 0) {
      sb.append(" limit ").append(r.limit());
    }
    if (r.sortTarget() != SortTarget.KEY || r.sortOrder() != SortOrder.NONE) {
      sb.append(" sort ").append(r.sortTarget()).append(' ').append(r.sortOrder());
    }
    sb.append(r.keysOnly() ? " keysOnly" : "").append(r.countOnly() ? " countOnly" : "");
    long[] filters = {
      r.minModRevision(), r.maxModRevision(), r.minCreateRevision(), r.maxCreateRevision()
    };
    String[] names = {" mod>=", " mod<=", " create>=", " create<="};
    for (int i = 0; i < filters.length; i++) {
      if (filters[i] != 0) {
        sb.append(names[i]).append(filters[i]);
      }
    }
    return sb.toString();
  }

  private static String show(Compare c) {
    String operand =
        c.target() == Compare.Target.VALUE ? key(c.value()) : Long.toString(c.number());
    String op =
        switch (c.result()) {
          case EQUAL -> "==";
          case NOT_EQUAL -> "!=";
          case GREATER -> ">";
          case LESS -> "<";
        };
    return c.target() + "(" + interval(c.key(), c.rangeEnd()) + ")" + op + operand;
  }

  private static String show(Op op) {
    if (op instanceof Op.Range r) {
      return show(r.request());
    } else if (op instanceof Op.Put p) {
      return "put " + show(p.request());
    } else if (op instanceof Op.DeleteRange d) {
      return show(d.request());
    }
    return show(((Op.Txn) op).request());
  }

  private static String show(TxnRequest t) {
    return "txn{if "
        + t.compare().stream().map(MvccStorePropertyTest::show).toList()
        + " then "
        + t.success().stream().map(MvccStorePropertyTest::show).toList()
        + " else "
        + t.failure().stream().map(MvccStorePropertyTest::show).toList()
        + "}";
  }
}
