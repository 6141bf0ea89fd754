package io.strata.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.mvccpb.Event;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * {@code watch-latency}: {@code --watchers} watchers of one key (fresh per run), then {@code
 * --clients} putters write that key at {@code --put-rate} puts per second in all, {@code --total}
 * puts or for {@code --duration}. Each put carries its sequence number in the first eight bytes of
 * its value, so every watcher that receives the event records the time from that put being sent;
 * the run's requests are these deliveries. Every watcher must receive every acknowledged put: what
 * has not arrived by the request timeout after the last put counts as {@code MISSING_EVENT}.
 */
final class WatchLatencyRun implements WorkloadDriver {
  private final LoadGenerator gen;
  private final LoadOptions options;
  private final ByteString key;

  /** When each put (by sequence number) was sent; read by every watcher that receives it. */
  private final Map<Long, Long> sentAtNanos = new ConcurrentHashMap<>();

  private final AtomicLong putSequence = new AtomicLong();
  private final LongAdder acknowledgedPuts = new LongAdder();
  private @Nullable WatchStreams watchStreams;
  private long startNanos;

  /** From the first put to the last put's acknowledgement: the put throughput's time base. */
  private long putPhaseNanos;

  WatchLatencyRun(LoadGenerator gen) {
    this.gen = gen;
    this.options = gen.options();
    this.key =
        ByteString.copyFrom(
            "strata-bench/watch-latency/"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()),
            StandardCharsets.UTF_8);
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
    if (e.getType() != Event.EventType.PUT || !e.getKv().getKey().equals(key)) {
      gen.failed("UNEXPECTED_EVENT");
      return;
    }
    ByteString value = e.getKv().getValue();
    @Nullable Long sent =
        value.size() < Long.BYTES
            ? null
            : sentAtNanos.get(value.substring(0, Long.BYTES).asReadOnlyByteBuffer().getLong());
    if (sent == null) {
      gen.failed("UNEXPECTED_EVENT");
      return;
    }
    gen.succeeded(sent);
  }

  @Override
  public void start(List<ManagedChannel> channels, CountDownLatch done) {
    startNanos = System.nanoTime();
    for (int i = 0; i < options.clients(); i++) {
      new Putter(KVGrpc.newStub(channels.get(i % channels.size())), done).next();
    }
  }

  /** Waits until every watcher has every acknowledged put, or the deadline; the rest is missing. */
  @Override
  public void drain(long deadlineNanos) throws InterruptedException {
    putPhaseNanos = System.nanoTime() - startNanos; // every putter has stopped
    WatchStreams w = watchStreams;
    if (w != null) {
      long missing = w.awaitEvents(acknowledgedPuts::sum, deadlineNanos);
      if (missing > 0) {
        gen.failed("MISSING_EVENT", missing);
      }
    }
  }

  private long expectedEvents() {
    return acknowledgedPuts.sum() * options.params().watchers();
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
    d.put("puts", acknowledgedPuts.sum());
    d.put("put_per_s", putPhaseNanos == 0 ? 0.0 : acknowledgedPuts.sum() * 1e9 / putPhaseNanos);
    d.put("expected_events", expectedEvents());
    return d;
  }

  /** One putter: a put in flight at a time, each sent when the shared put rate allows. */
  private final class Putter {
    private final KVGrpc.KVStub stub;
    private final CountDownLatch done;

    Putter(KVGrpc.KVStub stub, CountDownLatch done) {
      this.stub = stub;
      this.done = done;
    }

    void next() {
      if (!gen.acquire()) {
        done.countDown();
        return;
      }
      gen.whenAllowed(this::send, done::countDown);
    }

    private void send() {
      long seq = putSequence.getAndIncrement();
      ByteString value =
          ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(0, seq))
              .concat(gen.value().substring(Long.BYTES));
      sentAtNanos.put(seq, System.nanoTime());
      stub.withDeadlineAfter(gen.requestTimeoutNanos(), TimeUnit.NANOSECONDS)
          .put(
              PutRequest.newBuilder().setKey(key).setValue(value).build(),
              new StreamObserver<PutResponse>() {
                @Override
                public void onNext(PutResponse r) {}

                @Override
                public void onCompleted() {
                  acknowledgedPuts.increment();
                  next();
                }

                @Override
                public void onError(Throwable t) {
                  gen.failed(t);
                  gen.retryLater(Putter.this::next);
                }
              });
    }
  }
}
