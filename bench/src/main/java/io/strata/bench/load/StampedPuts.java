package io.strata.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.mvccpb.Event;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The puts of the watch workloads: each carries its sequence number (from 0, in the order sent) in
 * the first eight bytes of its value, and the time it was sent is kept by that number, so that a
 * watcher receiving the event can time the delivery from the put being sent. Putters keep one put
 * in flight each and send the next when {@link LoadGenerator#acquire()} and the run's rate allow; a
 * failed put is counted by its gRPC code and not retried (the next one gets a new number).
 */
final class StampedPuts {
  private final LoadGenerator gen;
  private final LongFunction<ByteString> keyOf;
  private final LongConsumer onAcknowledged;

  /** When each put (by sequence number) was sent; read by every watcher that receives it. */
  private final Map<Long, Long> sentAtNanos = new ConcurrentHashMap<>();

  private final AtomicLong sequence = new AtomicLong();
  private final LongAdder acknowledged = new LongAdder();
  private long startNanos;

  /** From the first put to the last put's acknowledgement: the put throughput's time base. */
  private volatile long phaseNanos;

  /**
   * @param keyOf the key of the put with this sequence number
   * @param onAcknowledged called with a put's sequence number once the server acknowledged it,
   *     before the put counts in {@link #acknowledged()}
   */
  StampedPuts(LoadGenerator gen, LongFunction<ByteString> keyOf, LongConsumer onAcknowledged) {
    this.gen = gen;
    this.keyOf = keyOf;
    this.onAcknowledged = onAcknowledged;
  }

  /**
   * Starts {@code putters} putters over the channels round-robin; each counts {@code done} down.
   */
  void start(List<ManagedChannel> channels, int putters, CountDownLatch done) {
    startNanos = System.nanoTime();
    for (int i = 0; i < putters; i++) {
      new Putter(KVGrpc.newStub(channels.get(i % channels.size())), done).next();
    }
  }

  /** Marks the end of the put phase; called once every putter has stopped. */
  void stopped() {
    phaseNanos = System.nanoTime() - startNanos;
  }

  /** Puts the server acknowledged. */
  long acknowledged() {
    return acknowledged.sum();
  }

  /** Acknowledged puts per second of the put phase (0 before {@link #stopped()}). */
  double perSecond() {
    long nanos = phaseNanos;
    return nanos == 0 ? 0.0 : acknowledged.sum() * 1e9 / nanos;
  }

  /** The sequence number a put's value carries, or -1 if the value is too short to carry one. */
  static long sequenceOf(ByteString value) {
    return value.size() < Long.BYTES
        ? -1
        : value.substring(0, Long.BYTES).asReadOnlyByteBuffer().getLong();
  }

  /** When the put with this value was sent, or null if no put of this run carried it. */
  @Nullable Long sentAtNanos(ByteString value) {
    long seq = sequenceOf(value);
    return seq < 0 ? null : sentAtNanos.get(seq);
  }

  /**
   * Records the delivery of {@code e} to a watcher of {@code expectedKey}: its latency from the put
   * being sent, or UNEXPECTED_EVENT for anything but a put of this run to that key.
   */
  void delivered(Event e, ByteString expectedKey) {
    if (e.getType() != Event.EventType.PUT || !e.getKv().getKey().equals(expectedKey)) {
      gen.failed("UNEXPECTED_EVENT");
      return;
    }
    @Nullable Long sent = sentAtNanos(e.getKv().getValue());
    if (sent == null) {
      gen.failed("UNEXPECTED_EVENT");
      return;
    }
    gen.succeeded(sent);
  }

  /** One putter: a put in flight at a time, each sent when the shared rate allows. */
  private final class Putter {
    private final KVGrpc.KVStub stub;
    private final CountDownLatch done;

    Putter(KVGrpc.KVStub stub, CountDownLatch done) {
      this.stub = stub;
      this.done = done;
    }

    void next() {
      gen.sendNext(this::send, done::countDown);
    }

    private void send() {
      long seq = sequence.getAndIncrement();
      ByteString value =
          ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(0, seq))
              .concat(gen.value().substring(Long.BYTES));
      sentAtNanos.put(seq, System.nanoTime());
      stub.withDeadlineAfter(gen.requestTimeoutNanos(), TimeUnit.NANOSECONDS)
          .put(
              PutRequest.newBuilder().setKey(keyOf.apply(seq)).setValue(value).build(),
              new StreamObserver<PutResponse>() {
                @Override
                public void onNext(PutResponse r) {}

                @Override
                public void onCompleted() {
                  onAcknowledged.accept(seq);
                  acknowledged.increment();
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
