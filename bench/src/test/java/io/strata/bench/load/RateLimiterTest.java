package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The limiter on a made-up clock: slots, not sleeps, so nothing here depends on timing. */
@Timeout(30)
class RateLimiterTest {
  private static final long MS = 1_000_000;

  @Test
  void reserve_sameInstant_slotsOneIntervalApart() {
    RateLimiter l = new RateLimiter(100, 0);

    assertThat(l.reserve(0)).isZero();
    assertThat(l.reserve(0)).isEqualTo(10 * MS);
    assertThat(l.reserve(3 * MS)).isEqualTo(20 * MS);
    assertThat(l.intervalNanos()).isEqualTo(10 * MS);
  }

  @Test
  void reserve_afterIdle_noBurstOfMissedSlots() {
    RateLimiter l = new RateLimiter(100, 0);
    l.reserve(0);

    // Nobody asked for 5 s: the 500 missed slots are gone, the next is now, then one per 10 ms.
    assertThat(l.reserve(5_000 * MS)).isEqualTo(5_000 * MS);
    assertThat(l.reserve(5_000 * MS)).isEqualTo(5_010 * MS);
  }

  @Test
  void reserve_slotsWithinASecond_atMostTheRatePlusOne() {
    RateLimiter l = new RateLimiter(250, 7 * MS);
    int inFirstSecond = 0;
    // A client that reserves as soon as its last slot came, like a fast server's clients.
    for (long now = 7 * MS, slot; (slot = l.reserve(now)) < 1_007 * MS; now = slot) {
      inFirstSecond++;
    }

    assertThat(inFirstSecond).isEqualTo(250);
  }

  @Test
  void reserve_concurrentClients_everySlotOnce() throws InterruptedException {
    RateLimiter l = new RateLimiter(1000, 0);
    ConcurrentLinkedQueue<Long> slots = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 1000; i++) {
                  slots.add(l.reserve(0));
                }
              });
      th.start();
      threads.add(th);
    }
    go.countDown();
    for (Thread th : threads) {
      th.join();
    }

    assertThat(slots.stream().sorted().toList())
        .isEqualTo(java.util.stream.LongStream.range(0, 4000).map(i -> i * MS).boxed().toList());
  }

  @Test
  void reserve_negativeNanoTime_comparedByDifference() {
    RateLimiter l = new RateLimiter(10, -50 * MS);

    assertThat(l.reserve(-50 * MS)).isEqualTo(-50 * MS);
    assertThat(l.reserve(-40 * MS)).isEqualTo(50 * MS);
  }

  @Test
  void new_zeroRate_throws() {
    assertThatThrownBy(() -> new RateLimiter(0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
