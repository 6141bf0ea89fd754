package io.strata.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatisPropertiesTest {
  @TempDir Path dir;

  /**
   * Regression guard (docs/robustness.md, seeds 206 and 208): with Ratis 3.2.2's async or unsafe
   * flush the flush index can cover entries that are still in the log's write buffer, so a killed
   * member loses entries it acknowledged and applied. The log worker must fsync before it reports
   * an entry durable.
   */
  @Test
  void of_logFsync_isSynchronous() {
    RaftProperties p =
        RatisProperties.of(
            ServerConfig.singleMember("m1", dir.resolve("data"), 2379, 2380),
            dir.resolve("raft"),
            "127.0.0.1",
            2380);
    assertThat(RaftServerConfigKeys.Log.asyncFlushEnabled(p)).isFalse();
    assertThat(RaftServerConfigKeys.Log.unsafeFlushEnabled(p)).isFalse();
  }

  @Test
  void prefixedSystemPropertiesOverrideRatisKeysAndNothingElse() {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
    Properties system = new Properties();
    system.setProperty("strata.ratis.raft.server.log.appender.wait-time.min", "2ms");
    system.setProperty("strata.ratis.", "ignored: no key");
    system.setProperty("raft.server.rpc.timeout.min", "ignored: no prefix");

    RatisProperties.overrides(p, system);

    assertThat(RaftServerConfigKeys.Log.Appender.waitTimeMin(p).toLong(TimeUnit.MILLISECONDS))
        .isEqualTo(2);
    assertThat(p.get("raft.server.rpc.timeout.min")).isNull();
    assertThat(p.get("")).isNull();
  }
}
