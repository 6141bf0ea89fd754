package io.strata.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.strata.api.mvccpb.Event;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * {@code watch-latency}: {@code --watchers} watchers of one key (fresh per run), then {@code
 * --clients} putters write that key at {@code --put-rate} puts per second in all, {@code --total}
 * puts or for {@code --duration}. Each put carries its sequence number in its value ({@link
 * StampedPuts}), so every watcher that receives the event records the time from that put being
 * sent; the run's requests are these deliveries. Every watcher must receive every acknowledged put:
 * what has not arrived by the request timeout after the last put counts as {@code MISSING_EVENT}.
 */
final class WatchLatencyRun implements WorkloadDriver {
  private final LoadGenerator gen;
  private final LoadOptions options;
  private final ByteString key;
  private final StampedPuts puts;
  private @Nullable WatchStreams watchStreams;

  WatchLatencyRun(LoadGenerator gen) {
    this.gen = gen;
    this.options = gen.options();
    this.key =
        ByteString.copyFrom(
            "strata-bench/watch-latency/"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()),
            StandardCharsets.UTF_8);
    this.puts = new StampedPuts(gen, seq -> key, seq -> {});
  }

  @Override
  public int clients() {
    return options.clients();
  }

  @Override
  public void prepare(List<ManagedChannel> channels) throws InterruptedException {
    watchStreams =
        WatchStreams.open(
            gen,
            channels,
            options.params().streams(),
            options.params().watchers(),
            key,
            ByteString.EMPTY,
            this::received);
  }

  private void received(int watcher, Event e) {
    puts.delivered(e, key);
  }

  @Override
  public void start(List<ManagedChannel> channels, CountDownLatch done) {
    puts.start(channels, options.clients(), done);
  }

  /** Waits until every watcher has every acknowledged put, or the deadline; the rest is missing. */
  @Override
  public void drain(long deadlineNanos) throws InterruptedException {
    puts.stopped(); // every putter has stopped
    WatchStreams w = watchStreams;
    if (w != null) {
      long missing = w.awaitEvents(puts::acknowledged, deadlineNanos);
      if (missing > 0) {
        gen.failed("MISSING_EVENT", missing);
      }
    }
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
    d.put("putters", options.clients());
    d.put("puts", puts.acknowledged());
    d.put("put_per_s", puts.perSecond());
    d.put("expected_events", puts.acknowledged() * options.params().watchers());
    return d;
  }
}
