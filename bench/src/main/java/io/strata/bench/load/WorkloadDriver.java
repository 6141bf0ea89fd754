package io.strata.bench.load;

import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What the clients of one workload do. {@link LoadGenerator} owns the channels, the clock, the
 * latency recorder and the counters; a driver only issues requests and reports each outcome to it.
 * The phases split setup and cleanup (watch creation, lease grants and revokes) from the timed part
 * so that they do not count against throughput.
 */
interface WorkloadDriver {
  /** How many clients {@link #start} runs; each counts the latch down once when it stops. */
  int clients();

  /** Untimed setup before the clock starts, such as creating watchers or granting leases. */
  default void prepare(List<ManagedChannel> channels) throws InterruptedException {}

  /**
   * Starts every client without blocking. A client issues requests while {@link
   * LoadGenerator#acquire()} allows, then counts {@code done} down.
   */
  void start(List<ManagedChannel> channels, CountDownLatch done);

  /**
   * Timed, after every client stopped: waits for what is still on its way (watch events) until
   * {@code deadlineNanos}, and counts what never came as errors.
   */
  default void drain(long deadlineNanos) throws InterruptedException {}

  /** Untimed cleanup; runs even when an earlier phase failed. */
  default void close() {}

  /** Counts only this workload has, for the result's details (insertion order is kept). */
  default Map<String, Number> details(long elapsedNanos) {
    return Map.of();
  }
}
