package io.strata.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Every repeat of one run against one system, summarized figure by figure as a {@link Spread}. Each
 * figure's median is taken on its own (the median p99 need not come from the repeat of median
 * throughput), as benchmark reports usually do.
 */
record RunSummary(String system, RunSpec spec, List<Measurement> repeats) {

  RunSummary {
    repeats = List.copyOf(repeats);
    if (repeats.isEmpty()) {
      throw new IllegalArgumentException("a run summary needs at least one repeat");
    }
  }

  /** The measurements grouped by system and run, in the order each pair first appears. */
  static List<RunSummary> of(List<Measurement> ms) {
    Map<String, List<Measurement>> groups = new LinkedHashMap<>();
    for (Measurement m : ms) {
      groups.computeIfAbsent(m.system() + "\n" + m.spec(), k -> new ArrayList<>()).add(m);
    }
    List<RunSummary> out = new ArrayList<>();
    for (List<Measurement> g : groups.values()) {
      out.add(new RunSummary(g.get(0).system(), g.get(0).spec(), g));
    }
    return out;
  }

  Spread spread(ToDoubleFunction<Measurement> figure) {
    return Spread.of(repeats.stream().mapToDouble(figure).toArray());
  }

  Spread throughput() {
    return spread(m -> m.result().throughput());
  }

  Spread p50Millis() {
    return spread(m -> m.result().p50Micros() / 1000.0);
  }

  Spread p90Millis() {
    return spread(m -> m.result().p90Micros() / 1000.0);
  }

  Spread p99Millis() {
    return spread(m -> m.result().p99Micros() / 1000.0);
  }

  Spread p999Millis() {
    return spread(m -> m.result().p999Micros() / 1000.0);
  }

  Spread maxPeakRssMib() {
    return spread(m -> m.maxPeakRssKib() / 1024.0);
  }

  Spread memberCpuSeconds() {
    return spread(Measurement::memberCpuSeconds);
  }

  Spread cpuMillisPerRequest() {
    return spread(Measurement::cpuMillisPerRequest);
  }

  Spread clientCpuSeconds() {
    return spread(Measurement::clientCpuSeconds);
  }

  Spread loadAverage() {
    return spread(Measurement::loadAverage);
  }

  /** Errors summed over every repeat, so that one failing repeat is never hidden by a median. */
  long errors() {
    return repeats.stream().mapToLong(m -> m.result().errorCount()).sum();
  }
}
