package io.strata.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The Markdown of a {@code compare} sweep. With one repeat: one table of all runs, then the
 * Strata/etcd ratios. With several: a table of medians with their min–max spread, the ratios of the
 * medians, then every repeat's own row. The HashKV checks, charts and profiles follow when the
 * sweep made them.
 */
final class CompareReport {
  private CompareReport() {}

  /** A flame graph of one run, or why there is none. */
  record Profile(
      RunSpec spec,
      int repeat,
      String member,
      @Nullable String htmlFile,
      @Nullable String collapsedFile,
      @Nullable String error) {}

  /** The {@code --check-hashkv} outcome after one run. */
  record HashKv(RunSpec spec, int repeat, String system, HashKvCheck.Outcome check) {}

  static String render(List<Measurement> ms) {
    List<RunSummary> sums = RunSummary.of(ms);
    int repeats = sums.stream().mapToInt(s -> s.repeats().size()).max().orElse(1);
    StringBuilder b = new StringBuilder();
    if (repeats == 1) {
      b.append(runTable(ms, false));
    } else {
      b.append("Median of ")
          .append(repeats)
          .append(
              " repeats, lowest–highest in parentheses; errors are summed over the repeats.\n\n");
      b.append(summaryTable(sums));
    }
    b.append('\n');
    if (repeats > 1) {
      b.append("Ratios of the medians.\n\n");
    }
    b.append(ratioTable(sums));
    if (repeats > 1) {
      b.append("\nEvery repeat (each on a fresh cluster):\n\n");
      b.append(runTable(ms, true));
    }
    return b.toString();
  }

  private static String summaryTable(List<RunSummary> sums) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| run | system | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | max peak RSS MiB"
            + " | member CPU s | CPU ms/req | client CPU s | load avg |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (RunSummary s : sums) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s |%n",
              s.spec(),
              s.system(),
              s.throughput().format("%.0f"),
              s.p50Millis().format("%.2f"),
              s.p90Millis().format("%.2f"),
              s.p99Millis().format("%.2f"),
              s.p999Millis().format("%.2f"),
              s.errors(),
              s.maxPeakRssMib().format("%.0f"),
              s.memberCpuSeconds().format("%.1f"),
              s.cpuMillisPerRequest().format("%.3f"),
              s.clientCpuSeconds().format("%.1f"),
              s.loadAverage().format("%.1f")));
    }
    return b.toString();
  }

  /** One row per measurement, with its repeat when {@code withRepeat}. */
  private static String runTable(List<Measurement> ms, boolean withRepeat) {
    StringBuilder b = new StringBuilder();
    b.append(withRepeat ? "| run | repeat | system |" : "| run | system |")
        .append(
            " req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | peak RSS MiB"
                + " (m1/m2/m3, * leader) | member CPU s | CPU ms/req | client CPU s | load avg |"
                + " details |\n");
    b.append(withRepeat ? "|---|---:|---|" : "|---|---|")
        .append("---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|\n");
    for (Measurement m : ms) {
      LoadResult r = m.result();
      StringBuilder rss = new StringBuilder();
      for (Measurement.MemberUsage u : m.members()) {
        rss.append(rss.length() > 0 ? " / " : "")
            .append(u.peakRssKib() / 1024)
            .append(u.leader() ? "*" : "");
      }
      b.append("| ").append(m.spec()).append(" | ");
      if (withRepeat) {
        b.append(m.repeat()).append(" | ");
      }
      b.append(
          String.format(
              Locale.ROOT,
              "%s | %.0f | %s | %s | %s | %s | %d | %s | %.1f | %.3f | %.1f | %.1f | %s |%n",
              m.system(),
              r.throughput(),
              LoadResult.millis(r.p50Micros()),
              LoadResult.millis(r.p90Micros()),
              LoadResult.millis(r.p99Micros()),
              LoadResult.millis(r.p999Micros()),
              r.errorCount(),
              rss,
              m.memberCpuSeconds(),
              m.cpuMillisPerRequest(),
              m.clientCpuSeconds(),
              m.loadAverage(),
              r.detailText()));
    }
    return b.toString();
  }

  private static String ratioTable(List<RunSummary> sums) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| run | throughput Strata/etcd | p50 Strata/etcd | p99 Strata/etcd | max peak RSS"
            + " Strata/etcd | CPU per request Strata/etcd |\n");
    b.append("|---|---:|---:|---:|---:|---:|\n");
    for (RunSummary s : sums) {
      if (!s.system().equals(LocalCluster.Kind.STRATA.displayName())) {
        continue;
      }
      Optional<RunSummary> e =
          sums.stream()
              .filter(
                  x ->
                      x.system().equals(LocalCluster.Kind.ETCD.displayName())
                          && x.spec().equals(s.spec()))
              .findFirst();
      if (e.isEmpty()) {
        continue;
      }
      RunSummary etcd = e.get();
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s |%n",
              s.spec(),
              ratio(s.throughput().median(), etcd.throughput().median()),
              ratio(s.p50Millis().median(), etcd.p50Millis().median()),
              ratio(s.p99Millis().median(), etcd.p99Millis().median()),
              ratio(s.maxPeakRssMib().median(), etcd.maxPeakRssMib().median()),
              ratio(s.cpuMillisPerRequest().median(), etcd.cpuMillisPerRequest().median())));
    }
    return b.toString();
  }

  /**
   * Links to the charts, one per workload.
   *
   * @param files chart file (relative to the report) by workload name, in sweep order
   */
  static String charts(Map<String, String> files, int repeats) {
    if (files.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("\nThroughput and p99 latency against clients");
    b.append(
        repeats > 1 ? " (medians; the bars span the lowest to the highest repeat):\n\n" : ":\n\n");
    files.forEach(
        (workload, file) ->
            b.append("![")
                .append(workload)
                .append(": throughput and p99 latency against clients](")
                .append(file)
                .append(")\n"));
    return b.toString();
  }

  /** The table of HashKV checks, one per run, or nothing when no run was checked. */
  static String hashKv(List<HashKv> checks) {
    if (checks.isEmpty()) {
      return "";
    }
    StringBuilder b =
        new StringBuilder(
            "\nHashKV of every member after each run, at one revision once every member had"
                + " applied it (--check-hashkv); a mismatch or a check that did not finish is an"
                + " error of its run:\n\n");
    b.append("| run | repeat | system | revision | result | hash per member |\n");
    b.append("|---|---:|---|---:|---|---|\n");
    for (HashKv h : checks) {
      HashKvCheck.Outcome c = h.check();
      String result =
          switch (c.verdict()) {
            case AGREE -> "agree";
            case MISMATCH -> "**MISMATCH**";
            case FAILED -> "**failed**: " + c.reason().replace('|', '/');
          };
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %d | %s | %s |%n",
              h.spec(),
              h.repeat(),
              h.system(),
              c.revision(),
              result,
              c.hashText()));
    }
    return b.toString();
  }

  /** The table of flame graphs, one per profiled run. */
  static String profiles(List<Profile> profiles) {
    if (profiles.isEmpty()) {
      return "";
    }
    StringBuilder b =
        new StringBuilder(
            "\nFlame graphs of the Strata leader during each measured run (async-profiler, CPU"
                + " samples every 1 ms of CPU time; the profiler's own cost is in these runs'"
                + " Strata figures):\n\n");
    b.append("| run | repeat | member | flame graph | collapsed stacks |\n");
    b.append("|---|---:|---|---|---|\n");
    for (Profile p : profiles) {
      String error = p.error();
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %s |%n",
              p.spec(),
              p.repeat(),
              p.member(),
              error != null ? "failed: " + error.replace('|', '/') : link(p.htmlFile()),
              error != null ? "-" : link(p.collapsedFile())));
    }
    return b.toString();
  }

  private static String link(@Nullable String file) {
    return file == null ? "-" : "[" + file + "](" + file + ")";
  }

  static String ratio(double a, double b) {
    return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", a / b);
  }
}
