package io.strata.core.time;

/**
 * A monotonic time source in nanoseconds (Caffeine's {@code Ticker}). Only differences between two
 * readings of the same clock mean anything; the origin is arbitrary and never leaves the member.
 */
@FunctionalInterface
public interface Clock {

  /** The current reading in nanoseconds; never decreases. */
  long nanoTime();
}
