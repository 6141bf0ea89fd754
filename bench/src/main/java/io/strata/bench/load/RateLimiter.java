package io.strata.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spaces the requests of all clients of a run evenly at {@code --rate} requests per second, as
 * etcd's benchmark does with one {@code golang.org/x/time/rate} limiter of burst 1 shared by its
 * clients. A client reserves a slot and sends its request at that time; the limiter never blocks a
 * thread, so {@link LoadGenerator} sends a request whose slot lies ahead from its timer thread.
 *
 * <p>Slots are handed out one interval apart, never earlier than the time of the reservation: a
 * limiter that was not asked for a while (the server was slow, every client waited for a response)
 * does not save up the slots it missed, so a run that fell behind its rate never catches up in a
 * burst, and the requests sent by time {@code t} after the first are at most {@code 1 + rate * t}.
 * Thread-safe without locks: clients reserve from their completion callbacks on network threads.
 */
final class RateLimiter {
  private final long intervalNanos;

  /** The earliest time (a {@link System#nanoTime()}) the next reservation may get. */
  private final AtomicLong nextFree;

  /**
   * @param perSecond requests per second, at least 1
   * @param nowNanos the current {@link System#nanoTime()}
   */
  RateLimiter(int perSecond, long nowNanos) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("rate must be at least 1, got " + perSecond);
    }
    // Rounding to whole nanoseconds errs by at most 1 ns per slot, 1e-2 of the shortest interval.
    this.intervalNanos = Math.max(1, TimeUnit.SECONDS.toNanos(1) / perSecond);
    this.nextFree = new AtomicLong(nowNanos);
  }

  /**
   * Reserves the next slot.
   *
   * @param nowNanos the current {@link System#nanoTime()}
   * @return when the caller may send: {@code nowNanos} or later, one interval after the previous
   *     reservation's slot
   */
  long reserve(long nowNanos) {
    while (true) {
      long next = nextFree.get();
      // Compared by difference: System.nanoTime() values may be negative and may wrap.
      long slot = next - nowNanos > 0 ? next : nowNanos;
      if (nextFree.compareAndSet(next, slot + intervalNanos)) {
        return slot;
      }
    }
  }

  long intervalNanos() {
    return intervalNanos;
  }
}
