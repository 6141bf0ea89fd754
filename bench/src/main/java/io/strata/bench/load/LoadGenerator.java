package io.strata.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
 * Runs one workload over {@code conns} shared channels and measures it. The requests themselves
 * come from the workload's {@link WorkloadDriver}; this class owns what every workload shares: the
 * channels, the stop condition (total or duration), the latency recorder, the success and error
 * counters, the progress line and the result. Drivers issue each next request from the completion
 * callback of the previous one (on the channel's network thread, hence {@code directExecutor}),
 * which keeps the generator's own CPU use low on a machine it shares with the servers.
 */
final class LoadGenerator {
  /** Latencies are recorded in microseconds, up to a minute, with three significant digits. */
  static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

  /** Pause before a client retries after an error, so a failing channel cannot make it spin. */
  private static final long RETRY_MILLIS = 10;

  private final LoadOptions options;
  private final @Nullable PrintStream progress;
  private final Recorder recorder = new Recorder(MAX_MICROS, 3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder ok = new LongAdder();
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private final ByteString value;
  private final ScheduledExecutorService timer;

  /** The shared {@code --rate} limiter, or null when the run is not rate-limited. */
  private final @Nullable RateLimiter limiter;

  private volatile long deadlineNanos = Long.MAX_VALUE;

  /**
   * @param progress where a line per second of progress goes, or null for none
   */
  LoadGenerator(LoadOptions options, @Nullable PrintStream progress) {
    this.options = options;
    this.progress = progress;
    byte[] v = new byte[options.valSize()];
    ThreadLocalRandom.current().nextBytes(v);
    this.value = ByteString.copyFrom(v);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "load-timer");
              t.setDaemon(true);
              return t;
            });
    this.limiter =
        options.requestRate() > 0
            ? new RateLimiter(options.requestRate(), System.nanoTime())
            : null;
  }

  /** Runs the workload to completion and returns its result. */
  LoadResult run() throws InterruptedException {
    List<ManagedChannel> channels = new ArrayList<>();
    WorkloadDriver driver = driverFor(options.workload());
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
      driver.prepare(channels);
      CountDownLatch done = new CountDownLatch(driver.clients());
      Histogram total = new Histogram(MAX_MICROS, 3);
      long start = System.nanoTime();
      if (options.duration() != null) {
        deadlineNanos = start + options.duration().toNanos();
      }
      driver.start(channels, done);
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
      driver.drain(System.nanoTime() + options.requestTimeout().toNanos());
      long elapsed = System.nanoTime() - start;
      total.add(recorder.getIntervalHistogram(interval));
      Map<String, Number> details = new LinkedHashMap<>(driver.details(elapsed));
      if (limiter != null) {
        details.put("rate_limit", options.requestRate());
      }
      return LoadResult.of(options, total, errorsByKind(), ok.sum(), elapsed, details);
    } finally {
      try {
        driver.close();
      } finally {
        timer.shutdownNow();
        for (ManagedChannel c : channels) {
          c.shutdownNow();
        }
        for (ManagedChannel c : channels) {
          c.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  private WorkloadDriver driverFor(Workload w) {
    return switch (w) {
      case PUT, RANGE, TXN_PUT, TXN_MIXED -> new KvClients(this);
      case LEASE_KEEPALIVE -> new LeaseKeepAliveClients(this);
      case WATCH -> new WatchRun(this);
      case WATCH_LATENCY -> new WatchLatencyRun(this);
      case K8S -> new KubernetesMix(this);
    };
  }

  LoadOptions options() {
    return options;
  }

  /** Prints {@code line} on the progress stream, after the run's label and workload, if any. */
  void note(String line) {
    if (progress != null) {
      progress.printf("%s %s: %s%n", options.label(), options.workloadName(), line);
    }
  }

  /** The value of every write (random bytes, {@code val-size} long). */
  ByteString value() {
    return value;
  }

  /** The per-request deadline, in nanoseconds. */
  long requestTimeoutNanos() {
    return options.requestTimeout().toNanos();
  }

  /** Whether another request may be issued (the total is not used up and time is not over). */
  boolean acquire() {
    if (timeIsUp()) {
      return false;
    }
    return options.total() <= 0 || issued.getAndIncrement() < options.total();
  }

  /**
   * A client's next request: sent through {@link #whenAllowed} if {@link #acquire()} allows one,
   * else {@code stop} runs and the client ends.
   */
  void sendNext(Runnable send, Runnable stop) {
    if (!acquire()) {
      stop.run();
      return;
    }
    whenAllowed(send, stop);
  }

  /**
   * Sends a client's next request, which {@link #acquire()} allowed, when the run's rate allows: at
   * once without {@code --rate} or when its slot is due, else from the timer thread at its slot, so
   * no thread waits. A request whose slot lies at or after the end of the run's duration is never
   * sent; the client stops instead.
   *
   * @param send issues the request
   * @param stop ends the client (counts its latch down) instead of sending
   */
  void whenAllowed(Runnable send, Runnable stop) {
    RateLimiter l = limiter;
    if (l == null) {
      send.run();
      return;
    }
    long now = System.nanoTime();
    long slot = l.reserve(now);
    if (options.duration() != null && slot - deadlineNanos >= 0) {
      stop.run();
      return;
    }
    long wait = slot - now;
    if (wait <= 0) {
      send.run();
      return;
    }
    schedule(
        () -> {
          if (timeIsUp()) {
            stop.run();
          } else {
            send.run();
          }
        },
        wait);
  }

  /** Whether the run's duration is over (never, for a run with a total). */
  boolean timeIsUp() {
    return System.nanoTime() >= deadlineNanos;
  }

  /** A success whose latency runs from {@code startNanos} (a {@link System#nanoTime()}) to now. */
  void succeeded(long startNanos) {
    recorder.recordValue(
        Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos)));
    ok.increment();
  }

  /** A failed request, counted under its gRPC status code. */
  void failed(Throwable t) {
    failed(Status.fromThrowable(t).getCode().name());
  }

  /** A failure that is no gRPC error (a missing watch event, a lost lease), by kind. */
  void failed(String kind) {
    failed(kind, 1);
  }

  void failed(String kind, long count) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).add(count);
  }

  /** Runs {@code retry} after a short pause on the timer thread, never on the caller's. */
  void retryLater(Runnable retry) {
    schedule(retry, TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS));
  }

  /** Runs {@code task} on the timer thread after {@code delayNanos}; dropped once the run ended. */
  void schedule(Runnable task, long delayNanos) {
    try {
      timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The run is over and the timer shut down; nothing is left to retry for.
    }
  }

  /** Runs {@code task} on the timer thread every {@code periodNanos} until the run ends. */
  void every(Runnable task, long periodNanos) {
    try {
      timer.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The run is over.
    }
  }

  long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private Map<String, Long> errorsByKind() {
    Map<String, Long> m = new TreeMap<>();
    errors.forEach(
        (kind, n) -> {
          if (n.sum() > 0) {
            m.put(kind, n.sum());
          }
        });
    return m;
  }

  /** The key of a request: the next index of the key space (see {@link #nextKeyIndex(int)}). */
  ByteString nextKey() {
    return encodeKey(nextKeyIndex(1), options.keySize());
  }

  /**
   * The first of {@code count} consecutive key indexes (mod the key space) for one request: the
   * next ones in turn with sequential keys, else a random start.
   */
  long nextKeyIndex(int count) {
    return options.sequentialKeys()
        ? sequence.getAndAdd(count) % options.keySpaceSize()
        : ThreadLocalRandom.current().nextInt(options.keySpaceSize());
  }

  /** The key of index {@code n} mod the key space. */
  ByteString keyAt(long n) {
    return encodeKey(n % options.keySpaceSize(), options.keySize());
  }

  /**
   * The key index, big-endian, in the last (at most eight) bytes of a zero-filled {@code key-size}
   * array.
   */
  static ByteString encodeKey(long n, int keySize) {
    byte[] k = new byte[keySize];
    for (int i = keySize - 1, shift = 0; i >= 0 && shift < 64; i--, shift += 8) {
      k[i] = (byte) (n >>> shift);
    }
    return ByteString.copyFrom(k);
  }
}
