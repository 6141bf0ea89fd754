package io.strata.bench.load;

import java.util.List;

/**
 * One run against one cluster: the load result plus what each member used during it.
 *
 * @param system {@code Strata} or {@code etcd}
 * @param repeat which repeat of the sweep (from 1); each repeat ran on a fresh cluster
 * @param loadAverage the 1-minute load average just before the run (other work on the machine)
 * @param clientCpuSeconds CPU the load generator's JVM used during the run
 */
record Measurement(
    String system,
    RunSpec spec,
    int repeat,
    String target,
    LoadResult result,
    List<MemberUsage> members,
    double clientCpuSeconds,
    double loadAverage) {

  Measurement {
    members = List.copyOf(members);
  }

  /**
   * @param peakRssKib peak RSS during the run (since start if the peak could not be reset)
   * @param cpuSeconds user plus system CPU during the run
   */
  record MemberUsage(String name, boolean leader, long peakRssKib, double cpuSeconds) {}

  double memberCpuSeconds() {
    return members.stream().mapToDouble(MemberUsage::cpuSeconds).sum();
  }

  long maxPeakRssKib() {
    return members.stream().mapToLong(MemberUsage::peakRssKib).max().orElse(0);
  }

  /** Member CPU milliseconds per successful request. */
  double cpuMillisPerRequest() {
    return result.ok() == 0 ? 0 : memberCpuSeconds() * 1000 / result.ok();
  }

  String toJson() {
    StringBuilder m = new StringBuilder("[");
    for (MemberUsage u : members) {
      if (m.length() > 1) {
        m.append(',');
      }
      m.append(
          String.format(
              java.util.Locale.ROOT,
              "{\"name\":\"%s\",\"leader\":%b,\"peak_rss_kib\":%d,\"cpu_s\":%.2f}",
              u.name(),
              u.leader(),
              u.peakRssKib(),
              u.cpuSeconds()));
    }
    m.append(']');
    return String.format(
        java.util.Locale.ROOT,
        "{\"system\":\"%s\",\"run\":\"%s\",\"repeat\":%d,\"target\":\"%s\","
            + "\"load_average\":%.2f,\"client_cpu_s\":%.2f,\"members\":%s,\"result\":%s}",
        system,
        spec,
        repeat,
        target,
        loadAverage,
        clientCpuSeconds,
        m,
        result.toJson());
  }
}
