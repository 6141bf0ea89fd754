package io.strata.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;

class RatisPropertiesTest {
  @Test
  void prefixedSystemPropertiesOverrideRatisKeysAndNothingElse() {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
    Properties system = new Properties();
    system.setProperty("strata.ratis.raft.server.log.appender.wait-time.min", "2ms");
    system.setProperty("strata.ratis.", "ignored: no key");
    system.setProperty("raft.server.rpc.timeout.min", "ignored: no prefix");

    RatisProperties.overrides(p, system);

    assertThat(
            RaftServerConfigKeys.Log.Appender.waitTimeMin(p)
                .toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(2);
    assertThat(p.get("raft.server.rpc.timeout.min")).isNull();
    assertThat(p.get("")).isNull();
  }
}
