package io.strata.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.mvccpb.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * {@code watch}, etcd's {@code benchmark watch}: N watchers, M writes. First {@code --streams}
 * times {@code --watch-per-stream} watchers are created, watcher {@code i} on stream {@code i mod
 * streams} watching key {@code i mod --watched-key-total}, and the creation is timed on its own
 * (the time until the server confirmed every watcher, and each watcher's create latency), as etcd
 * reports a watch creation summary before the events. Then {@code --clients} putters write put
 * {@code j} to key {@code j mod --watched-key-total}, {@code --put-total} puts (or for {@code
 * --duration}) at {@code --put-rate} (the same as {@code --rate}; 0, the default, for no limit).
 * The run's requests are the deliveries: each put carries its sequence number ({@link
 * StampedPuts}), and each watcher of its key that receives it records the time from the put being
 * sent. Every watcher must receive every acknowledged put to its key; what has not arrived by the
 * request timeout after the last put counts as {@code MISSING_EVENT}.
 *
 * <p>The watched keys are chosen as etcd's are: key {@code i} is index {@code i mod
 * --key-space-size} with {@code --sequential-keys}, else a random index of the key space, so with
 * the default key space of 1 every watched key is the same key; the details give the distinct keys.
 * An index fills the last (at most eight) bytes of the {@code --key-size} key and the bytes before
 * them are random per run, so that a run's keys are its own when the key is longer than eight bytes
 * (etcd's default is 32).
 */
final class WatchRun implements WorkloadDriver {
  private final LoadGenerator gen;
  private final LoadOptions options;

  /** The distinct watched keys. */
  private final List<ByteString> keys = new ArrayList<>();

  /** The distinct key (an index into {@link #keys}) of each of the {@code --watched-key-total}. */
  private final int[] keyOfSlot;

  /** How many watchers each distinct key has. */
  private final long[] watchersOfKey;

  /** Acknowledged puts to each distinct key. */
  private final AtomicLongArray acknowledgedOfKey;

  private final StampedPuts puts;
  private @Nullable WatchStreams watchStreams;
  private @Nullable Histogram creation;
  private long creationNanos;

  WatchRun(LoadGenerator gen) {
    this.gen = gen;
    this.options = gen.options();
    int slots = options.params().watchedKeys();
    this.keyOfSlot = new int[slots];
    byte[] runTag = new byte[Math.max(0, options.keySize() - Long.BYTES)];
    ThreadLocalRandom.current().nextBytes(runTag);
    Map<ByteString, Integer> ids = new HashMap<>();
    for (int i = 0; i < slots; i++) {
      long index =
          options.sequentialKeys()
              ? i % options.keySpaceSize()
              : ThreadLocalRandom.current().nextInt(options.keySpaceSize());
      ByteString key = keyOf(runTag, index, options.keySize());
      Integer id = ids.get(key);
      if (id == null) {
        id = keys.size();
        ids.put(key, id);
        keys.add(key);
      }
      keyOfSlot[i] = id;
    }
    this.watchersOfKey = new long[keys.size()];
    for (int w = 0; w < options.params().watchers(); w++) {
      watchersOfKey[keyOfWatcher(w)]++;
    }
    this.acknowledgedOfKey = new AtomicLongArray(keys.size());
    this.puts =
        new StampedPuts(
            gen,
            seq -> keys.get(keyOfSlot[slotOf(seq)]),
            seq -> acknowledgedOfKey.incrementAndGet(keyOfSlot[slotOf(seq)]));
  }

  /** A key of {@code keySize} bytes: {@code tag}, then {@code index} big-endian in the rest. */
  static ByteString keyOf(byte[] tag, long index, int keySize) {
    return ByteString.copyFrom(tag).concat(LoadGenerator.encodeKey(index, keySize - tag.length));
  }

  /** The watched-key slot put {@code seq} writes (etcd: put {@code j} to key {@code j mod n}). */
  private int slotOf(long seq) {
    return (int) (seq % keyOfSlot.length);
  }

  private int keyOfWatcher(int watcher) {
    return keyOfSlot[watcher % keyOfSlot.length];
  }

  @Override
  public int clients() {
    return options.clients();
  }

  @Override
  public void prepare(List<ManagedChannel> channels) throws InterruptedException {
    List<WatchCreateRequest> creates = new ArrayList<>();
    for (ByteString k : keys) {
      creates.add(WatchCreateRequest.newBuilder().setKey(k).build());
    }
    WatchStreams w =
        WatchStreams.open(
            gen,
            channels,
            options.params().streams(),
            options.params().watchers(),
            i -> creates.get(keyOfWatcher(i)),
            this::received);
    watchStreams = w;
    creationNanos = w.creationNanos();
    Histogram h = w.creationLatencies();
    creation = h;
    gen.note(
        String.format(
            Locale.ROOT,
            "created %d watchers of %d keys on %d streams in %.2fs (%.0f/s), create latency p50 %s"
                + " ms, p99 %s ms",
            options.params().watchers(),
            keys.size(),
            options.params().streams(),
            creationNanos / 1e9,
            createPerSecond(),
            LoadResult.millis(h.getValueAtPercentile(50)),
            LoadResult.millis(h.getValueAtPercentile(99))));
  }

  private double createPerSecond() {
    return creationNanos == 0 ? 0.0 : options.params().watchers() * 1e9 / creationNanos;
  }

  private void received(int watcher, Event e) {
    puts.delivered(e, keys.get(keyOfWatcher(watcher)));
  }

  @Override
  public void start(List<ManagedChannel> channels, CountDownLatch done) {
    puts.start(channels, options.clients(), done);
  }

  /**
   * Waits until every watcher has every acknowledged put to its key, or the deadline; the rest is
   * missing.
   */
  @Override
  public void drain(long deadlineNanos) throws InterruptedException {
    puts.stopped(); // every putter has stopped
    WatchStreams w = watchStreams;
    if (w != null) {
      long missing =
          w.awaitEvents(watcher -> acknowledgedOfKey.get(keyOfWatcher(watcher)), deadlineNanos);
      if (missing > 0) {
        gen.failed("MISSING_EVENT", missing);
      }
    }
  }

  /** Deliveries due: each acknowledged put once to every watcher of its key. */
  long expectedEvents() {
    long n = 0;
    for (int k = 0; k < watchersOfKey.length; k++) {
      n += acknowledgedOfKey.get(k) * watchersOfKey[k];
    }
    return n;
  }

  @Override
  public void close() {
    if (watchStreams != null) {
      watchStreams.close();
    }
  }

  @Override
  public Map<String, Number> details(long elapsedNanos) {
    Map<String, Number> d = new LinkedHashMap<>();
    d.put("watchers", options.params().watchers());
    d.put("streams", options.params().streams());
    d.put("watched_keys", keys.size());
    d.put("putters", options.clients());
    d.put("puts", puts.acknowledged());
    d.put("put_per_s", puts.perSecond());
    d.put("expected_events", expectedEvents());
    d.put("create_ms", TimeUnit.NANOSECONDS.toMillis(creationNanos));
    d.put("create_per_s", createPerSecond());
    Histogram h = creation;
    if (h != null) {
      d.put("create_p50_us", h.getValueAtPercentile(50));
      d.put("create_p99_us", h.getValueAtPercentile(99));
    }
    return d;
  }
}
