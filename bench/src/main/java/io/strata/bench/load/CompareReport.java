package io.strata.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The Markdown of a {@code compare} sweep: one table of all runs, then Strata/etcd ratios. */
final class CompareReport {
  private CompareReport() {}

  static String render(List<Measurement> ms) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| run | system | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | errors | peak RSS MiB"
            + " (m1/m2/m3, * leader) | member CPU s | CPU ms/req | client CPU s | load avg | details |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|\n");
    for (Measurement m : ms) {
      LoadResult r = m.result();
      StringBuilder rss = new StringBuilder();
      for (Measurement.MemberUsage u : m.members()) {
        rss.append(rss.length() > 0 ? " / " : "")
            .append(u.peakRssKib() / 1024)
            .append(u.leader() ? "*" : "");
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.0f | %s | %s | %s | %s | %d | %s | %.1f | %.3f | %.1f | %.1f | %s |%n",
              m.spec(),
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
    b.append('\n');
    b.append(
        "| run | throughput Strata/etcd | p50 Strata/etcd | p99 Strata/etcd | max peak RSS"
            + " Strata/etcd | CPU per request Strata/etcd |\n");
    b.append("|---|---:|---:|---:|---:|---:|\n");
    for (Measurement s : ms) {
      if (!s.system().equals(LocalCluster.Kind.STRATA.displayName())) {
        continue;
      }
      Optional<Measurement> e =
          ms.stream()
              .filter(
                  x ->
                      x.system().equals(LocalCluster.Kind.ETCD.displayName())
                          && x.spec().equals(s.spec()))
              .findFirst();
      if (e.isEmpty()) {
        continue;
      }
      Measurement etcd = e.get();
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s |%n",
              s.spec(),
              ratio(s.result().throughput(), etcd.result().throughput()),
              ratio(s.result().p50Micros(), etcd.result().p50Micros()),
              ratio(s.result().p99Micros(), etcd.result().p99Micros()),
              ratio(s.maxPeakRssKib(), etcd.maxPeakRssKib()),
              ratio(s.cpuMillisPerRequest(), etcd.cpuMillisPerRequest())));
    }
    return b.toString();
  }

  static String ratio(double a, double b) {
    return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", a / b);
  }
}
