package io.strata.server;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.mvccpb.KeyValue;
import io.strata.server.TestCluster.Member;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Concurrent clients putting unique keys ({@code <prefix>/c<client>/<seq>}) through every running
 * member of a {@link TestCluster} in turn, with async stubs and a window of requests in flight per
 * client. A put that fails (member killed, no leader, timeout) is retried with the same key and
 * value on the next member until it is acknowledged; only acknowledged puts are recorded, which is
 * what a client may rely on and what {@link #missingOn} checks.
 */
final class RecordingWriter implements AutoCloseable {
  private static final long RPC_DEADLINE_MS = 10_000;
  private static final long RETRY_DELAY_MS = 20;

  /** Keys per range page when reading back: about 1 MiB with 1 KiB values. */
  private static final int PAGE = 1000;

  private final TestCluster cluster;
  private final String prefix;
  private final long total;
  private final Map<String, String> acked = new ConcurrentHashMap<>();
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final AtomicReference<@Nullable Throwable> lastFailure = new AtomicReference<>();
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "writer-retries"));
  private final List<Thread> clients = new ArrayList<>();
  private final List<Semaphore> windows = new ArrayList<>();
  private final int window;
  private final int valueBytes;
  private volatile boolean stopped;

  /**
   * Starts {@code clients} writers with {@code window} puts in flight each; together they issue
   * {@code total} distinct puts with short values.
   */
  RecordingWriter(TestCluster cluster, String prefix, int clients, int window, long total) {
    this(cluster, prefix, clients, window, total, 0);
  }

  /** As above, with values padded to {@code valueBytes}. */
  RecordingWriter(
      TestCluster cluster, String prefix, int clients, int window, long total, int valueBytes) {
    this.cluster = cluster;
    this.prefix = prefix;
    this.total = total;
    this.window = window;
    this.valueBytes = valueBytes;
    for (int c = 0; c < clients; c++) {
      Semaphore w = new Semaphore(window);
      windows.add(w);
      int client = c;
      Thread t = new Thread(() -> run(client, w), "writer-" + prefix + "-c" + c);
      t.setDaemon(true);
      this.clients.add(t);
    }
    this.clients.forEach(Thread::start);
  }

  private void run(int client, Semaphore w) {
    long seq = 0;
    while (!stopped && issued.getAndIncrement() < total) {
      try {
        w.acquire();
      } catch (InterruptedException e) {
        return;
      }
      if (stopped) {
        w.release();
        return;
      }
      String key = String.format("%s/c%d/%08d", prefix, client, seq++);
      PutRequest put =
          PutRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8(key))
              .setValue(ByteString.copyFromUtf8(valueOf(key)))
              .build();
      send(put, w);
    }
  }

  /**
   * The value written under {@code key}: derived from the key, so a read can be checked, and padded
   * with pseudo-random letters that compress poorly, like real objects, so RocksDB's files (and
   * snapshot files) grow with the data.
   */
  private String valueOf(String key) {
    StringBuilder v = new StringBuilder("v-").append(key).append('-');
    SplittableRandom random = new SplittableRandom(key.hashCode());
    while (v.length() < valueBytes) {
      v.append((char) ('!' + random.nextInt(94)));
    }
    return v.toString();
  }

  private void send(PutRequest put, Semaphore w) {
    if (stopped) {
      w.release();
      return;
    }
    List<Member> running = cluster.running();
    if (running.isEmpty()) {
      retryLater(put, w, new IllegalStateException("no member is running"));
      return;
    }
    Member m = running.get(Math.floorMod(roundRobin.getAndIncrement(), running.size()));
    try {
      m.kvAsync()
          .withDeadlineAfter(RPC_DEADLINE_MS, TimeUnit.MILLISECONDS)
          .put(
              put,
              new StreamObserver<PutResponse>() {
                @Override
                public void onNext(PutResponse value) {
                  acked.put(put.getKey().toStringUtf8(), put.getValue().toStringUtf8());
                  w.release();
                }

                @Override
                public void onError(Throwable t) {
                  retryLater(put, w, t);
                }

                @Override
                public void onCompleted() {}
              });
    } catch (RuntimeException e) {
      // The member's channel was replaced or shut down between the pick and the call.
      retryLater(put, w, e);
    }
  }

  private void retryLater(PutRequest put, Semaphore w, Throwable cause) {
    failures.incrementAndGet();
    lastFailure.set(cause);
    if (stopped || retries.isShutdown()) {
      w.release();
      return;
    }
    try {
      retries.schedule(() -> send(put, w), RETRY_DELAY_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      w.release();
    }
  }

  /** The number of acknowledged puts. */
  long acked() {
    return acked.size();
  }

  /** Every acknowledged put: key to value. */
  Map<String, String> ackedWrites() {
    return Map.copyOf(acked);
  }

  /** Failed attempts so far (each was retried unless the writer was stopped). */
  long failures() {
    return failures.get();
  }

  /** Waits until at least {@code n} puts are acknowledged. */
  void awaitAcked(long n, Duration timeout) {
    TestCluster.await(
        n + " acknowledged puts (now " + acked() + ", last failure " + lastFailure.get() + ")",
        timeout,
        () -> acked() >= n);
  }

  /** Waits until all {@code total} puts are acknowledged and nothing is in flight. */
  void awaitDone(Duration timeout) {
    awaitAcked(total, timeout);
    TestCluster.await(
        "no put in flight",
        timeout,
        () -> windows.stream().allMatch(w -> w.availablePermits() == window));
  }

  /**
   * Reads every key under the prefix from {@code m} (linearizable unless {@code serializable}) and
   * returns the acknowledged puts it does not hold with their value.
   */
  List<String> missingOn(Member m, boolean serializable) {
    Map<String, String> read = readAll(m, prefix + "/", serializable);
    List<String> missing = new ArrayList<>();
    new TreeMap<>(acked)
        .forEach(
            (k, v) -> {
              if (!v.equals(read.get(k))) {
                missing.add(k);
              }
            });
    return missing;
  }

  /** Every key with {@code keyPrefix} on {@code m}, read page by page. */
  static Map<String, String> readAll(Member m, String keyPrefix, boolean serializable) {
    Map<String, String> out = new TreeMap<>();
    ByteString end = prefixEnd(ByteString.copyFromUtf8(keyPrefix));
    ByteString from = ByteString.copyFromUtf8(keyPrefix);
    while (true) {
      RangeResponse r =
          m.kv()
              .range(
                  RangeRequest.newBuilder()
                      .setKey(from)
                      .setRangeEnd(end)
                      .setLimit(PAGE)
                      .setSerializable(serializable)
                      .build());
      for (KeyValue kv : r.getKvsList()) {
        out.put(kv.getKey().toStringUtf8(), kv.getValue().toString(StandardCharsets.UTF_8));
      }
      if (!r.getMore() || r.getKvsCount() == 0) {
        return out;
      }
      from = r.getKvs(r.getKvsCount() - 1).getKey().concat(ByteString.copyFrom(new byte[] {0}));
    }
  }

  private static ByteString prefixEnd(ByteString prefix) {
    byte[] b = prefix.toByteArray();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return ByteString.copyFrom(b, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }

  /**
   * Stops issuing and retrying puts, then waits until none is in flight, so {@link #ackedWrites} no
   * longer changes and reads can check it. Idempotent.
   */
  void stop() throws InterruptedException {
    stopped = true;
    for (Thread t : clients) {
      t.interrupt();
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    retries.shutdown(); // retries already scheduled still run, see stopped, release their permit
    TestCluster.await(
        "no put in flight",
        Duration.ofMillis(2 * RPC_DEADLINE_MS),
        () -> windows.stream().allMatch(w -> w.availablePermits() == window));
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
