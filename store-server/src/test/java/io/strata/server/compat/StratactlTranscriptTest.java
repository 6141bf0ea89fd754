package io.strata.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.client.cli.StrataCtl;
import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * stratactl prints what etcdctl prints: the same steps as {@link EtcdctlKvTranscriptTest} and
 * {@link EtcdctlApiTranscriptTest}, run with stratactl (a child JVM per command) against a fresh
 * member, must give the transcripts recorded from etcdctl 3.4 against etcd, byte for byte after the
 * same masking.
 */
@Timeout(600)
class StratactlTranscriptTest {
  /** A JVM with picocli, gRPC and Netty to load starts slower than the Go binary. */
  private static final long START_MILLIS = 3000;

  @TempDir Path dir;

  private static List<String> stratactl() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xmx128m",
        "-cp",
        System.getProperty("java.class.path"),
        StrataCtl.class.getName());
  }

  private static String expected(String resource) throws Exception {
    try (var in = StratactlTranscriptTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("recorded transcript " + resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void kvVerbs_printWhatEtcdctlPrints() throws Exception {
    try (StoreServer server = start("s1")) {
      String actual =
          EtcdctlTranscript.run(
              stratactl(),
              "127.0.0.1:" + server.clientPort(),
              EtcdctlKvTranscriptTest.STEPS,
              START_MILLIS);
      assertThat(actual).isEqualTo(expected(EtcdctlKvTranscriptTest.RESOURCE));
    }
  }

  @Test
  void apiVerbs_printWhatEtcdctlPrints() throws Exception {
    EtcdctlApiTranscriptTest steps = new EtcdctlApiTranscriptTest();
    steps.dir = dir;
    try (StoreServer server = start("default")) {
      String actual =
          EtcdctlTranscript.run(
              stratactl(), "127.0.0.1:" + server.clientPort(), steps.steps(), START_MILLIS);
      assertThat(actual).isEqualTo(expected(EtcdctlApiTranscriptTest.RESOURCE));
    }
  }

  private StoreServer start(String name) throws Exception {
    StoreServer server =
        StoreServer.start(
            ServerConfig.singleMember(name, dir.resolve(name), TestPorts.free(), TestPorts.free()),
            () -> {});
    server.awaitLeader();
    return server;
  }
}
