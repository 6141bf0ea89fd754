package io.strata.server.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.config.AutoCompaction;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CompactionPolicyTest {

  @Test
  void revisionMode_compactsToCurrentMinusRetention() {
    CompactionPolicy p = new CompactionPolicy(AutoCompaction.parse("revision", "100"));
    assertThat(p.tickInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.tick(0, 50, 0)).isEmpty();
    assertThat(p.tick(1, 250, 0)).isEqualTo(OptionalLong.of(150));
    assertThat(p.tick(2, 250, 150)).isEmpty();
    assertThat(p.tick(3, 400, 150)).isEqualTo(OptionalLong.of(300));
  }

  @Test
  void periodicMode_keepsTheRetentionWindow() {
    // 10 minutes of retention: sample every minute, compact every 10 minutes to the revision
    // seen 10 minutes earlier.
    CompactionPolicy p = new CompactionPolicy(AutoCompaction.parse("periodic", "10m"));
    Duration tick = p.tickInterval();
    assertThat(tick).isEqualTo(Duration.ofMinutes(1));
    long now = 0;
    OptionalLong last = OptionalLong.empty();
    for (int minute = 0; minute <= 10; minute++) {
      last = p.tick(now, 100 + minute * 10L, 0);
      now += tick.toNanos();
    }
    assertThat(last).isEqualTo(OptionalLong.of(100));
    for (int minute = 11; minute <= 20; minute++) {
      last = p.tick(now, 100 + minute * 10L, 100);
      now += tick.toNanos();
    }
    assertThat(last).isEqualTo(OptionalLong.of(200));
  }

  @Test
  void periodicMode_longRetentionCompactsHourly() {
    CompactionPolicy p = new CompactionPolicy(AutoCompaction.parse("periodic", "5"));
    assertThat(p.tickInterval()).isEqualTo(Duration.ofMinutes(6));
  }

  @Test
  void zeroRetention_isOff() {
    CompactionPolicy p = new CompactionPolicy(AutoCompaction.parse("periodic", "0"));
    assertThat(p.tick(0, 100, 0)).isEmpty();
    assertThat(p.tick(Long.MAX_VALUE / 2, 1000, 0)).isEmpty();
  }
}
