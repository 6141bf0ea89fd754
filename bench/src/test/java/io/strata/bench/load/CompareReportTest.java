package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompareReportTest {
  private static final RunSpec SPEC = RunSpec.parse("put:16:16");

  /** A run with {@code ok} requests in one second and every latency percentile {@code p99Us}. */
  private static Measurement run(String system, int repeat, long ok, long p99Us, long rssKib) {
    LoadResult r =
        new LoadResult(
            system,
            "put",
            16,
            16,
            1,
            ok,
            Map.of(),
            1_000_000_000L,
            p99Us,
            p99Us,
            p99Us,
            p99Us,
            p99Us,
            p99Us,
            Map.of());
    var members = List.of(new Measurement.MemberUsage("m1", true, rssKib, ok / 1000.0));
    return new Measurement(system, SPEC, repeat, "leader", r, members, 0.5, 1.0);
  }

  @Test
  void spread_medianOfOddAndEvenCounts() {
    assertThat(Spread.of(3, 1, 2)).isEqualTo(new Spread(2, 1, 3, 3));
    assertThat(Spread.of(4, 1, 2, 3).median()).isEqualTo(2.5);
    assertThat(Spread.of(7).format("%.1f")).isEqualTo("7.0");
    assertThat(Spread.of(1, 2, 30).format("%.0f")).isEqualTo("2 (1–30)");
  }

  @Test
  void render_repeats_mediansWithSpread_ratiosOfMedians_everyRepeat() {
    List<Measurement> ms = new ArrayList<>();
    // Strata: 400, 500, 9000 req/s (one wild repeat); etcd: 1000, 1000, 800.
    ms.add(run("Strata", 1, 400, 4000, 204_800));
    ms.add(run("etcd", 1, 1000, 2000, 102_400));
    ms.add(run("etcd", 2, 1000, 2000, 102_400));
    ms.add(run("Strata", 2, 500, 5000, 204_800));
    ms.add(run("Strata", 3, 9000, 1000, 409_600));
    ms.add(run("etcd", 3, 800, 3000, 102_400));

    String md = CompareReport.render(ms);

    assertThat(md).contains("Median of 3 repeats");
    assertThat(md)
        .contains("| put:16:16 | Strata | 500 (400–9000) | 4.00 (1.00–5.00) |")
        .contains("| put:16:16 | etcd | 1000 (800–1000) | 2.00 (2.00–3.00) |");
    // The median of each figure, not of the wild repeat: 500/1000 and 4 ms/2 ms.
    assertThat(md).contains("| put:16:16 | 0.50 | 2.00 | 2.00 | 2.00 |");
    assertThat(md).contains("Every repeat").contains("| put:16:16 | 3 | Strata | 9000 |");
  }

  @Test
  void render_oneRepeat_noSpreadNoRepeatTable() {
    String md = CompareReport.render(List.of(run("Strata", 1, 400, 4000, 204_800)));

    assertThat(md).doesNotContain("Median").doesNotContain("Every repeat").doesNotContain("–");
    assertThat(md).contains("| put:16:16 | Strata | 400 | 4.00 |");
  }

  @Test
  void hashKv_oneRowPerCheck_mismatchAndFailureStandOut() {
    String md =
        CompareReport.hashKv(
            List.of(
                new CompareReport.HashKv(
                    SPEC,
                    1,
                    "Strata",
                    new HashKvCheck.Outcome(
                        HashKvCheck.Verdict.AGREE,
                        120,
                        List.of(
                            new HashKvCheck.MemberHash("m1", 7, 0),
                            new HashKvCheck.MemberHash("m2", 7, 0)),
                        "")),
                new CompareReport.HashKv(
                    SPEC,
                    1,
                    "etcd",
                    new HashKvCheck.Outcome(
                        HashKvCheck.Verdict.MISMATCH,
                        130,
                        List.of(
                            new HashKvCheck.MemberHash("m1", 7, 0),
                            new HashKvCheck.MemberHash("m2", 8, 0)),
                        "")),
                new CompareReport.HashKv(
                    SPEC,
                    2,
                    "Strata",
                    new HashKvCheck.Outcome(
                        HashKvCheck.Verdict.FAILED, 0, List.of(), "m3 did not answer | x"))));

    assertThat(md)
        .contains("| put:16:16 | 1 | Strata | 120 | agree | m1 7 / m2 7 |")
        .contains("| put:16:16 | 1 | etcd | 130 | **MISMATCH** | m1 7 / m2 8 |")
        .contains("| put:16:16 | 2 | Strata | 0 | **failed**: m3 did not answer / x | - |");
    assertThat(CompareReport.hashKv(List.of())).isEmpty();
  }

  @Test
  void chartsAndProfiles_linkedBesideTheReport() {
    String charts = CompareReport.charts(Map.of("put", "report-put.svg"), 2);
    String profiles =
        CompareReport.profiles(
            List.of(
                new CompareReport.Profile(
                    SPEC,
                    1,
                    "m2",
                    "r-profile-put-16-16.html",
                    "r-profile-put-16-16.collapsed",
                    null),
                new CompareReport.Profile(SPEC, 2, "m1", null, null, "attach | failed")));

    assertThat(charts)
        .contains("![put: throughput and p99 latency against clients](report-put.svg)");
    assertThat(profiles)
        .contains(
            "| put:16:16 | 1 | m2 | [r-profile-put-16-16.html](r-profile-put-16-16.html) |"
                + " [r-profile-put-16-16.collapsed](r-profile-put-16-16.collapsed) |")
        .contains("| put:16:16 | 2 | m1 | failed: attach / failed | - |");
    assertThat(CompareReport.charts(Map.of(), 1)).isEmpty();
    assertThat(CompareReport.profiles(List.of())).isEmpty();
  }
}
