package io.strata.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Watchers for the watch workloads: {@code watchers} watches, each of one key or range, spread
 * round-robin over {@code streams} Watch streams (as etcd's benchmark puts several watchers on a
 * stream), the streams spread round-robin over the channels. Every event any watcher receives goes
 * to one consumer, on the receiving stream's network thread, with the watcher's index; each
 * watcher's events are counted so that a run can tell whether every watcher got every write. How
 * long each watcher took to be created (its create request sent to the server's confirmation) is
 * recorded too, as etcd's benchmark reports watcher creation.
 */
final class WatchStreams implements AutoCloseable {
  /** Receives each event with the index ({@code 0..watchers-1}) of the watcher that got it. */
  interface EventConsumer {
    void accept(int watcher, Event event);
  }

  private final List<StreamObserver<WatchRequest>> streams = new ArrayList<>();
  private final AtomicLongArray eventsPerWatcher;

  /**
   * When each watcher's create request was sent; read on the network thread that receives its
   * confirmation, hence atomic.
   */
  private final AtomicLongArray createSentAtNanos;

  /** Microseconds from each create request to its confirmation; network threads record. */
  private final Recorder createLatency = new Recorder(LoadGenerator.MAX_MICROS, 3);

  /** From the first create request sent to the last watcher confirmed. */
  private long creationNanos;

  private WatchStreams(int watchers) {
    this.eventsPerWatcher = new AtomicLongArray(watchers);
    this.createSentAtNanos = new AtomicLongArray(watchers);
  }

  /** Opens watchers that all watch {@code key} to {@code rangeEnd} (empty: the key alone). */
  static WatchStreams open(
      LoadGenerator gen,
      List<ManagedChannel> channels,
      int streamCount,
      int watchers,
      ByteString key,
      ByteString rangeEnd,
      EventConsumer onEvent)
      throws InterruptedException {
    WatchCreateRequest create =
        WatchCreateRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd).build();
    return open(gen, channels, streamCount, watchers, w -> create, onEvent);
  }

  /**
   * Opens the streams, creates the watchers and waits until the server confirmed every one, so that
   * no event written afterwards can be missed. Watcher {@code i} goes on stream {@code i mod
   * streamCount}, and each stream's create requests are sent in watcher order.
   *
   * @param createOf the create request of each watcher, by index
   * @throws IllegalStateException if a watcher was not created in time or was refused
   */
  static WatchStreams open(
      LoadGenerator gen,
      List<ManagedChannel> channels,
      int streamCount,
      int watchers,
      IntFunction<WatchCreateRequest> createOf,
      EventConsumer onEvent)
      throws InterruptedException {
    WatchStreams w = new WatchStreams(watchers);
    CountDownLatch created = new CountDownLatch(watchers);
    AtomicReference<@Nullable String> refused = new AtomicReference<>();
    for (int s = 0; s < streamCount; s++) {
      WatchGrpc.WatchStub stub = WatchGrpc.newStub(channels.get(s % channels.size()));
      // The watchers of stream s, in creation order: s, s + streams, s + 2 * streams, ...
      int firstWatcher = s;
      w.streams.add(
          stub.watch(
              new StreamObserver<WatchResponse>() {
                /** Server-chosen watch id to watcher index; a stream's callbacks never overlap. */
                private final Map<Long, Integer> watcherById = new HashMap<>();

                @Override
                public void onNext(WatchResponse r) {
                  if (r.getCreated()) {
                    // A stream confirms its creates in the order they were sent.
                    int index = firstWatcher + watcherById.size() * streamCount;
                    watcherById.put(r.getWatchId(), index);
                    w.createLatency.recordValue(
                        Math.min(
                            LoadGenerator.MAX_MICROS,
                            TimeUnit.NANOSECONDS.toMicros(
                                System.nanoTime() - w.createSentAtNanos.get(index))));
                    created.countDown();
                  }
                  if (r.getCanceled()) {
                    refused.compareAndSet(null, "a watcher was canceled: " + r.getCancelReason());
                    created.countDown();
                  }
                  Integer watcher = watcherById.get(r.getWatchId());
                  if (watcher == null) {
                    if (r.getEventsCount() > 0) {
                      gen.failed("UNEXPECTED_EVENT", r.getEventsCount());
                    }
                    return;
                  }
                  for (Event e : r.getEventsList()) {
                    w.eventsPerWatcher.incrementAndGet(watcher);
                    onEvent.accept(watcher, e);
                  }
                }

                @Override
                public void onError(Throwable t) {
                  gen.failed(t); // its watchers' events go missing and are counted as such
                }

                @Override
                public void onCompleted() {}
              }));
    }
    try {
      long start = System.nanoTime();
      for (int i = 0; i < watchers; i++) {
        WatchRequest create = WatchRequest.newBuilder().setCreateRequest(createOf.apply(i)).build();
        w.createSentAtNanos.set(i, System.nanoTime());
        w.streams.get(i % streamCount).onNext(create);
      }
      // Creating many watchers takes a while on a loaded server; it is no part of the timed load
      // (the watch workload reports it on its own).
      long timeout = Math.max(gen.requestTimeoutNanos(), TimeUnit.SECONDS.toNanos(30));
      if (!created.await(timeout, TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(
            created.getCount() + " of " + watchers + " watchers were not created in time");
      }
      w.creationNanos = System.nanoTime() - start;
      String why = refused.get();
      if (why != null) {
        throw new IllegalStateException(why);
      }
      return w;
    } catch (InterruptedException | RuntimeException e) {
      w.close();
      throw e;
    }
  }

  /**
   * Waits until every watcher has received at least {@code expected()} events, or the deadline
   * passes; {@code expected} is asked again each time since writes may still be acknowledged.
   *
   * @return the events still missing then, summed over the watchers
   */
  long awaitEvents(LongSupplier expected, long deadlineNanos) throws InterruptedException {
    return awaitEvents(w -> expected.getAsLong(), deadlineNanos);
  }

  /**
   * Waits until each watcher {@code w} has received at least {@code expectedOf(w)} events, or the
   * deadline passes; asked again each time since writes may still be acknowledged.
   *
   * @return the events still missing then, summed over the watchers
   */
  long awaitEvents(IntToLongFunction expectedOf, long deadlineNanos) throws InterruptedException {
    while (true) {
      long missing = 0;
      for (int i = 0; i < eventsPerWatcher.length(); i++) {
        missing += Math.max(0, expectedOf.applyAsLong(i) - eventsPerWatcher.get(i));
      }
      if (missing == 0 || System.nanoTime() >= deadlineNanos) {
        return missing;
      }
      TimeUnit.MILLISECONDS.sleep(5); // polls counters that network threads update
    }
  }

  /** From the first create request sent to the last watcher confirmed, in nanoseconds. */
  long creationNanos() {
    return creationNanos;
  }

  /**
   * The creation latency of every watcher, in microseconds: its create request sent to the server's
   * confirmation. Call once, after {@link #open}.
   */
  Histogram creationLatencies() {
    return createLatency.getIntervalHistogram();
  }

  /** Ends every stream (a half-close; closing the channels then cancels whatever remains). */
  @Override
  public void close() {
    for (StreamObserver<WatchRequest> s : streams) {
      try {
        s.onCompleted();
      } catch (RuntimeException e) {
        // Already failed or cancelled: nothing to end.
      }
    }
  }
}
