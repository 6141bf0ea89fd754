package io.strata.server.faults.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Violations and statistics collected by the checkers of one run. Thread-safe. */
public final class Report {
  /** Per checker, at most this many violations are kept verbatim; the rest are only counted. */
  private static final int KEPT_PER_CHECKER = 20;

  private final Map<String, List<String>> violations = new LinkedHashMap<>();
  private final Map<String, Integer> violationCounts = new LinkedHashMap<>();
  private final Map<String, Long> stats = new LinkedHashMap<>();

  public synchronized void violation(String checker, String message) {
    violationCounts.merge(checker, 1, Integer::sum);
    List<String> kept = violations.computeIfAbsent(checker, k -> new ArrayList<>());
    if (kept.size() < KEPT_PER_CHECKER) {
      kept.add(message);
    }
  }

  public synchronized void stat(String name, long value) {
    stats.merge(name, value, Long::sum);
  }

  public synchronized int violationCount() {
    return violationCounts.values().stream().mapToInt(Integer::intValue).sum();
  }

  public synchronized int violationCount(String checker) {
    return violationCounts.getOrDefault(checker, 0);
  }

  public synchronized List<String> violations(String checker) {
    return List.copyOf(violations.getOrDefault(checker, List.of()));
  }

  public synchronized Map<String, Long> stats() {
    return Map.copyOf(stats);
  }

  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("violations: ").append(violationCount()).append('\n');
    violationCounts.forEach(
        (checker, n) -> {
          sb.append("  ").append(checker).append(": ").append(n).append('\n');
          for (String v : violations.get(checker)) {
            sb.append("    - ").append(v).append('\n');
          }
        });
    sb.append("stats:\n");
    stats.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
    return sb.toString();
  }
}
