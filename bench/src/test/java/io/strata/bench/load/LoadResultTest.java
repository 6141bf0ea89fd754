package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LoadResultTest {

  static LoadResult sample() {
    Histogram h = new Histogram(60_000_000L, 3);
    for (int i = 1; i <= 1000; i++) {
      h.recordValue(i * 10L); // 10 us .. 10 ms
    }
    LoadOptions o =
        LoadOptions.parse(Workload.PUT, List.of("--clients", "16", "--conns", "4", "--label", "x"));
    return LoadResult.of(o, h, Map.of("UNAVAILABLE", 3L), 1000, 2_000_000_000L);
  }

  @Test
  void of_percentilesFromHistogram() {
    LoadResult r = sample();

    assertThat(r.throughput()).isEqualTo(500.0);
    assertThat(r.p50Micros()).isBetween(4990L, 5010L);
    assertThat(r.p99Micros()).isBetween(9890L, 9910L);
    assertThat(r.maxMicros()).isBetween(9990L, 10020L);
    assertThat(r.errorCount()).isEqualTo(3);
  }

  @Test
  void toJson_oneLineWithErrorsByCode() {
    String json = sample().toJson();

    assertThat(json)
        .doesNotContain("\n")
        .startsWith("{\"label\":\"x\",\"workload\":\"put\",\"clients\":16,\"conns\":4,")
        .contains("\"errors\":{\"UNAVAILABLE\":3}")
        .contains("\"throughput\":500.0")
        .contains("\"p50\":");
  }

  @Test
  void markdownRow_matchesHeaderColumns() {
    String row = sample().markdownRow();
    String header = LoadResult.markdownHeader().lines().findFirst().orElseThrow();

    assertThat(row).startsWith("| x | put | 16 | 4 | 1000 | 3 | 500 | 5.00 |");
    assertThat(row.chars().filter(c -> c == '|').count())
        .isEqualTo(header.chars().filter(c -> c == '|').count());
  }

  @Test
  void details_inJsonAndLastMarkdownColumn() {
    Histogram h = new Histogram(60_000_000L, 3);
    h.recordValue(1000);
    LoadOptions o = LoadOptions.parse(Workload.TXN_MIXED, List.of("--rw-ratio", "3"));
    Map<String, Number> details = new java.util.LinkedHashMap<>();
    details.put("reads", 30L);
    details.put("writes", 10L);
    details.put("put_per_s", 12.345);
    LoadResult r = LoadResult.of(o, h, Map.of(), 40, 1_000_000_000L, details);

    assertThat(r.toJson())
        .contains("\"workload\":\"txn-mixed\"")
        .endsWith(",\"details\":{\"reads\":30,\"writes\":10,\"put_per_s\":12.3}}");
    assertThat(r.markdownRow()).endsWith("| reads 30, writes 10, put_per_s 12.3 |");
    assertThat(sample().markdownRow()).endsWith("| - |");
  }

  @Test
  void of_watchLatency_clientsAreTheWatchers() {
    LoadOptions o =
        LoadOptions.parse(Workload.WATCH_LATENCY, List.of("--watchers", "40", "--clients", "2"));
    LoadResult r = LoadResult.of(o, new Histogram(1000, 3), Map.of(), 0, 0);

    assertThat(r.clients()).isEqualTo(40);
    assertThat(r.workload()).isEqualTo("watch-latency");
  }

  @Test
  void of_emptyHistogram_zeros() {
    LoadOptions o = LoadOptions.parse(Workload.RANGE, List.of());
    LoadResult r = LoadResult.of(o, new Histogram(1000, 3), Map.of(), 0, 0);

    assertThat(r.throughput()).isZero();
    assertThat(r.p99Micros()).isZero();
    assertThat(r.toJson()).contains("\"errors\":{}");
  }

  @Test
  void compareReport_ratiosStrataOverEtcd() {
    RunSpec spec = RunSpec.parse("put:16:4");
    LoadResult r = sample();
    LoadResult half =
        new LoadResult(
            "etcd",
            "put",
            16,
            4,
            1,
            2000,
            Map.of(),
            2_000_000_000L,
            1,
            2500,
            1,
            5000,
            1,
            1,
            Map.of());
    var members = List.of(new Measurement.MemberUsage("m1", true, 204_800, 2.0));
    String md =
        CompareReport.render(
            List.of(
                new Measurement("Strata", spec, 1, "leader", r, members, 1.0, 0.5),
                new Measurement("etcd", spec, 1, "leader", half, members, 1.0, 0.5)));

    assertThat(md).contains("| put:16:4 | Strata | 500 |").contains("| 200* |");
    // Strata 500 req/s vs etcd 1000 req/s; p50 5000 us vs 2500 us; CPU per request 2x.
    assertThat(md)
        .containsPattern(
            "\\| put:16:4 \\| 0\\.50 \\| 2\\.00 \\| 1\\.9\\d \\| 1\\.00 \\| 2\\.00 \\|");
  }

  @Test
  void parseCpuSeconds_commandWithSpaces() {
    String stat =
        "1234 (java main) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 100 0 0";

    assertThat(MemberProcess.parseCpuSeconds(stat)).isEqualTo(3.0);
  }
}
