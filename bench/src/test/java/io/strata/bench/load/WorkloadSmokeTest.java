package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.StoreServer;
import io.strata.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every workload for about a second against a real 1-member Strata started in this JVM, so that the
 * harness cannot rot: each must finish with successes and not a single error (for the watch
 * workloads that includes every watcher receiving every write). Then every workload again under
 * {@code --rate}.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkloadSmokeTest {
  @TempDir static Path dir;
  private StoreServer server;
  private String endpoint;

  @BeforeAll
  void startMember() throws IOException {
    int[] ports = freePorts(2);
    server =
        StoreServer.start(
            ServerConfig.singleMember("smoke", dir.resolve("smoke"), ports[0], ports[1]), () -> {});
    server.awaitLeader(Duration.ofSeconds(60));
    endpoint = "127.0.0.1:" + server.clientPort();
  }

  @AfterAll
  void stopMember() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Workload.class)
  void workload_runsForASecond_withoutErrors(Workload workload) throws Exception {
    LoadResult r =
        new LoadGenerator(
                LoadOptions.parse(workload, flags(workload, List.of("--duration", "1s"))), null)
            .run();
    System.out.println(r.markdownRow()); // the figures, for whoever reads the build log

    assertThat(r.errors()).as("errors of %s: %s", workload, r.toJson()).isEmpty();
    assertThat(r.ok()).as("successes of %s", workload).isPositive();
    assertThat(r.p50Micros()).isPositive();
    switch (workload) {
      case TXN_MIXED -> {
        assertThat(r.details().get("reads").longValue()).isPositive();
        assertThat(r.details().get("writes").longValue()).isPositive();
        assertThat(r.details().get("reads").longValue() + r.details().get("writes").longValue())
            .isEqualTo(r.ok());
      }
      case WATCH -> {
        long puts = r.details().get("puts").longValue();
        assertThat(puts).isPositive();
        assertThat(r.details().get("watched_keys").longValue()).isEqualTo(3);
        // Four watchers of three keys: key 0 has two, so its puts are delivered twice.
        assertThat(r.details().get("expected_events").longValue()).isGreaterThan(puts);
        assertThat(r.ok()).isEqualTo(r.details().get("expected_events").longValue());
        assertThat(r.details().get("create_p50_us").longValue()).isPositive();
      }
      case WATCH_LATENCY -> {
        long puts = r.details().get("puts").longValue();
        assertThat(puts).isPositive();
        assertThat(r.ok()).isEqualTo(puts * 4); // every watcher got every put, once
        assertThat(r.details().get("put_per_s").doubleValue()).isPositive();
      }
      case K8S -> {
        assertThat(r.details().get("creates").longValue()).isPositive();
        long writes =
            r.details().get("creates").longValue() + r.details().get("updates").longValue();
        assertThat(r.details().get("watch_events").longValue()).isEqualTo(writes * 2);
      }
      default -> {}
    }
  }

  /**
   * Under {@code --rate}, the requests of a run are counted, not timed: the shared limiter hands
   * out one slot per 1/rate and never a burst, and sends nothing past the duration, so a run of
   * {@code d} seconds sends at most {@code rate * d + 1}. How near it comes depends on the machine
   * (a loaded CI box sent under half), which is a benchmark's business, not a test's: this asserts
   * only that the run sent something. RateLimiterTest checks the pacing itself on a made-up clock.
   */
  @ParameterizedTest
  @EnumSource(Workload.class)
  void workload_withRate_sendsAtMostTheRate(Workload workload) throws Exception {
    int rate = 100;
    double seconds = 2;
    List<String> f = flags(workload, List.of("--duration", "2s", "--rate", Integer.toString(rate)));

    LoadResult r = new LoadGenerator(LoadOptions.parse(workload, f), null).run();
    System.out.println(r.markdownRow());

    assertThat(r.errors()).as("errors of %s: %s", workload, r.toJson()).isEmpty();
    // The watch workloads' requests are deliveries, several per put; the rate paces the puts.
    long sent = workload.clientsAreWatchers() ? r.details().get("puts").longValue() : r.ok();
    assertThat(sent)
        .as("requests of %s at %d/s for %ss", workload, rate, seconds)
        .isBetween(1L, (long) (rate * seconds) + 1);
    assertThat(r.details().get("rate_limit").intValue()).isEqualTo(rate);
  }

  @Test
  void main_printsJsonThenMarkdownRow() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        LoadMain.run(
            List.of(
                "txn-put",
                "--endpoints",
                endpoint,
                "--total",
                "20",
                "--txn-ops",
                "2",
                "--key-space-size",
                "10",
                "--label",
                "smoke"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(code).isZero();
    assertThat(lines.get(0))
        .startsWith("{\"label\":\"smoke\",\"workload\":\"txn-put\"")
        .contains("\"ok\":20,\"errors\":{}");
    assertThat(lines.get(3))
        .startsWith("| smoke | txn-put | 1 | 1 | 20 | 0 |")
        .endsWith("| txn_ops 2 |");
  }

  /**
   * {@code --check-hashkv} against the real member: after the puts it hashes at the member's
   * revision, which the puts moved past theirs, and finds nothing wrong.
   */
  @Test
  void main_checkHashKv_hashesTheMemberAtItsRevision() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        LoadMain.run(
            List.of(
                "put",
                "--endpoints",
                endpoint,
                "--total",
                "20",
                "--key-space-size",
                "10",
                "--check-hashkv"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String json = out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    java.util.regex.Matcher revision =
        java.util.regex.Pattern.compile("\"hashkv_revision\":(\\d+)").matcher(json);
    assertThat(code).isZero();
    assertThat(json).contains("\"ok\":20,\"errors\":{}");
    assertThat(revision.find()).as("hashkv_revision in %s", json).isTrue();
    assertThat(Long.parseLong(revision.group(1))).isGreaterThan(20);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("HashKV at revision " + revision.group(1) + ": agree (one member");
  }

  /**
   * Two clients over two connections, {@code run}'s flags (a duration, a rate), plus what the
   * workload needs.
   */
  private List<String> flags(Workload w, List<String> run) {
    boolean rated = run.contains("--rate");
    List<String> f =
        new ArrayList<>(
            List.of(
                "--endpoints",
                endpoint,
                "--clients",
                "2",
                "--conns",
                "2",
                "--request-timeout",
                "20s", // generous: the machine may be loaded; an error fails the test
                "--key-space-size",
                "100"));
    switch (w) {
      case TXN_PUT -> f.addAll(List.of("--txn-ops", "4"));
      case TXN_MIXED -> f.addAll(List.of("--txn-ops", "2", "--rw-ratio", "2"));
      case LEASE_KEEPALIVE -> f.addAll(List.of("--lease-ttl", "30"));
      case WATCH ->
          f.addAll(
              List.of(
                  "--streams",
                  "2",
                  "--watch-per-stream",
                  "2",
                  "--watched-key-total",
                  "3",
                  "--sequential-keys"));
      case WATCH_LATENCY -> {
        f.addAll(List.of("--watchers", "4", "--streams", "2"));
        if (!rated) {
          f.addAll(List.of("--put-rate", "50"));
        }
      }
      default -> {}
    }
    f.addAll(run);
    return f;
  }

  /** Ports the OS picked as free, all held open until all are chosen so they differ. */
  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
