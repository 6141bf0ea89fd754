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
import org.jspecify.annotations.Nullable;

/**
 * Watchers for the watch workloads: {@code watchers} watches of one key or range, spread
 * round-robin over {@code streams} Watch streams (as etcd's benchmark puts several watchers on a
 * stream), the streams spread round-robin over the channels. Every event any watcher receives goes
 * to one consumer, on the receiving stream's network thread, with the watcher's index; each
 * watcher's events are counted so that a run can tell whether every watcher got every write.
 */
final class WatchStreams implements AutoCloseable {
  /** Receives each event with the index ({@code 0..watchers-1}) of the watcher that got it. */
  interface EventConsumer {
    void accept(int watcher, Event event);
  }

  private final List<StreamObserver<WatchRequest>> streams = new ArrayList<>();
  private final AtomicLongArray eventsPerWatcher;

  private WatchStreams(int watchers) {
    this.eventsPerWatcher = new AtomicLongArray(watchers);
  }

  /**
   * Opens the streams, creates the watchers and waits until the server confirmed every one, so that
   * no event written afterwards can be missed.
   *
   * @param rangeEnd the watched range's end, or empty for the single key
   * @throws IllegalStateException if a watcher was not created in time or was refused
   */
  static WatchStreams open(
      LoadGenerator gen,
      List<ManagedChannel> channels,
      int streamCount,
      int watchers,
      ByteString key,
      ByteString rangeEnd,
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
                    watcherById.put(
                        r.getWatchId(), firstWatcher + watcherById.size() * streamCount);
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
    WatchRequest create =
        WatchRequest.newBuilder()
            .setCreateRequest(WatchCreateRequest.newBuilder().setKey(key).setRangeEnd(rangeEnd))
            .build();
    try {
      for (int i = 0; i < watchers; i++) {
        w.streams.get(i % streamCount).onNext(create);
      }
      // Creating many watchers takes a while on a loaded server; it is not measured.
      long timeout = Math.max(gen.requestTimeoutNanos(), TimeUnit.SECONDS.toNanos(30));
      if (!created.await(timeout, TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(
            created.getCount() + " of " + watchers + " watchers were not created in time");
      }
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
  long awaitEvents(java.util.function.LongSupplier expected, long deadlineNanos)
      throws InterruptedException {
    while (true) {
      long want = expected.getAsLong();
      long missing = 0;
      for (int i = 0; i < eventsPerWatcher.length(); i++) {
        missing += Math.max(0, want - eventsPerWatcher.get(i));
      }
      if (missing == 0 || System.nanoTime() >= deadlineNanos) {
        return missing;
      }
      TimeUnit.MILLISECONDS.sleep(5); // polls counters that network threads update
    }
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
