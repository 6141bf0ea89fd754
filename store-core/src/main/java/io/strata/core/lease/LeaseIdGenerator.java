package io.strata.core.lease;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-chosen lease ids, as etcd makes them ({@code pkg/idutil}): the low 16 bits of the member
 * id, then the low 40 bits of the start time in milliseconds and an 8-bit counter, which together
 * increase by one per id; the sign bit is cleared so ids are positive. Ids from two members cannot
 * collide unless their member ids share the low 16 bits; an id that does collide is refused by the
 * grant ({@code lease already exists}) and the caller picks the next one.
 */
public final class LeaseIdGenerator {
  private static final int SUFFIX_BITS = 48;
  private static final int COUNTER_BITS = 8;
  private static final int TIME_BITS = 40;

  private final long prefix;
  private final AtomicLong suffix;

  public LeaseIdGenerator(long memberId, long epochMillis) {
    this.prefix = (memberId & 0xFFFF) << SUFFIX_BITS;
    this.suffix = new AtomicLong((epochMillis & ((1L << TIME_BITS) - 1)) << COUNTER_BITS);
  }

  /** The next id: positive and never 0. */
  public long next() {
    while (true) {
      long id = (prefix | (suffix.incrementAndGet() & ((1L << SUFFIX_BITS) - 1))) & Long.MAX_VALUE;
      if (id != 0) {
        return id;
      }
    }
  }
}
