package io.strata.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Drives one workload: {@code clients} loops, each with one asynchronous request in flight, over
 * {@code conns} shared channels. A loop issues its next request from the completion callback of the
 * previous one (on the channel's network thread, hence {@code directExecutor}), which keeps the
 * generator's own CPU use low on a machine it shares with the servers.
 */
final class LoadGenerator {
  /** Latencies are recorded in microseconds, up to a minute, with three significant digits. */
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

  private final LoadOptions options;
  private final @Nullable PrintStream progress;
  private final Recorder recorder = new Recorder(MAX_MICROS, 3);
  private final Map<Status.Code, LongAdder> errors = new EnumMap<>(Status.Code.class);
  private final LongAdder ok = new LongAdder();
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private final ByteString value;
  private final ScheduledExecutorService retryTimer;
  private volatile long deadlineNanos = Long.MAX_VALUE;

  /**
   * @param progress where a line per second of progress goes, or null for none
   */
  LoadGenerator(LoadOptions options, @Nullable PrintStream progress) {
    this.options = options;
    this.progress = progress;
    for (Status.Code c : Status.Code.values()) {
      errors.put(c, new LongAdder());
    }
    byte[] v = new byte[options.valSize()];
    ThreadLocalRandom.current().nextBytes(v);
    this.value = ByteString.copyFrom(v);
    this.retryTimer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "load-retry");
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs the workload to completion and returns its result. */
  LoadResult run() throws InterruptedException {
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < options.conns(); i++) {
        String target = options.endpoints().get(i % options.endpoints().size());
        channels.add(
            ManagedChannelBuilder.forTarget(target)
                .usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(64 << 20)
                .build());
      }
      for (ManagedChannel c : channels) {
        c.getState(true); // connect before the clock starts
      }
      CountDownLatch done = new CountDownLatch(options.clients());
      Histogram total = new Histogram(MAX_MICROS, 3);
      long start = System.nanoTime();
      if (options.duration() != null) {
        deadlineNanos = start + options.duration().toNanos();
      }
      for (int i = 0; i < options.clients(); i++) {
        new ClientLoop(KVGrpc.newStub(channels.get(i % channels.size())), done).next();
      }
      Histogram interval = null;
      long lastOk = 0;
      while (!done.await(1, TimeUnit.SECONDS)) {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        long nowOk = ok.sum();
        if (progress != null) {
          progress.printf(
              "%s %s: %.0fs %d ok (%d/s), %d errors, p99 %s ms%n",
              options.label(),
              options.workloadName(),
              (System.nanoTime() - start) / 1e9,
              nowOk,
              nowOk - lastOk,
              errorCount(),
              LoadResult.millis(interval.getValueAtPercentile(99)));
        }
        lastOk = nowOk;
      }
      long elapsed = System.nanoTime() - start;
      total.add(recorder.getIntervalHistogram(interval));
      Map<String, Long> errorsByCode = new HashMap<>();
      errors.forEach(
          (code, n) -> {
            if (n.sum() > 0) {
              errorsByCode.put(code.name(), n.sum());
            }
          });
      return LoadResult.of(options, total, errorsByCode, ok.sum(), elapsed);
    } finally {
      retryTimer.shutdownNow();
      for (ManagedChannel c : channels) {
        c.shutdownNow();
      }
      for (ManagedChannel c : channels) {
        c.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Whether another request may be issued (the total is not used up and time is not over). */
  private boolean acquire() {
    if (System.nanoTime() >= deadlineNanos) {
      return false;
    }
    return options.total() <= 0 || issued.getAndIncrement() < options.total();
  }

  /**
   * The key of a request: the key index, big-endian, in the last (at most eight) bytes of a
   * zero-filled {@code key-size} array. Sequential keys count up through the key space.
   */
  ByteString nextKey() {
    long n =
        options.sequentialKeys()
            ? sequence.getAndIncrement() % options.keySpaceSize()
            : ThreadLocalRandom.current().nextInt(options.keySpaceSize());
    return encodeKey(n, options.keySize());
  }

  static ByteString encodeKey(long n, int keySize) {
    byte[] k = new byte[keySize];
    for (int i = keySize - 1, shift = 0; i >= 0 && shift < 64; i--, shift += 8) {
      k[i] = (byte) (n >>> shift);
    }
    return ByteString.copyFrom(k);
  }

  /** One client: a request in flight at a time, the next issued when the last completes. */
  private final class ClientLoop {
    private final KVGrpc.KVStub stub;
    private final CountDownLatch done;

    ClientLoop(KVGrpc.KVStub stub, CountDownLatch done) {
      this.stub = stub;
      this.done = done;
    }

    void next() {
      if (!acquire()) {
        done.countDown();
        return;
      }
      KVGrpc.KVStub s =
          stub.withDeadlineAfter(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
      long start = System.nanoTime();
      if (options.workload() == Workload.PUT) {
        s.put(
            PutRequest.newBuilder().setKey(nextKey()).setValue(value).build(),
            new Completion<>(start));
      } else {
        s.range(
            RangeRequest.newBuilder()
                .setKey(nextKey())
                .setSerializable(options.consistency() == Consistency.SERIALIZABLE)
                .build(),
            new Completion<>(start));
      }
    }

    private final class Completion<T> implements StreamObserver<T> {
      private final long start;

      Completion(long start) {
        this.start = start;
      }

      @Override
      public void onNext(T response) {}

      @Override
      public void onCompleted() {
        recorder.recordValue(
            Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start)));
        ok.increment();
        next();
      }

      @Override
      public void onError(Throwable t) {
        errors.get(Status.fromThrowable(t).getCode()).increment();
        // Not from this thread: a failing channel may fail synchronously, and retrying at once
        // would recurse and spin.
        retryTimer.schedule(ClientLoop.this::next, 10, TimeUnit.MILLISECONDS);
      }
    }
  }
}
