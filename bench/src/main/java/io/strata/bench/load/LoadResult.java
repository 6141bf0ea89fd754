package io.strata.bench.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run: throughput of successful requests, their latency percentiles (from an
 * HdrHistogram in microseconds) and failed requests by gRPC status code.
 *
 * @param ok requests that succeeded
 * @param errors failed requests by gRPC status code name ({@code UNAVAILABLE}, ...)
 * @param elapsedNanos wall time from the first request to the last response
 * @param details what only this workload counts (reads and writes of {@code txn-mixed}, puts and
 *     put throughput of {@code watch-latency}, ...), in insertion order
 */
record LoadResult(
    String label,
    String workload,
    int clients,
    int conns,
    int endpoints,
    long ok,
    Map<String, Long> errors,
    long elapsedNanos,
    double meanMicros,
    long p50Micros,
    long p90Micros,
    long p99Micros,
    long p999Micros,
    long maxMicros,
    Map<String, Number> details) {

  LoadResult {
    errors = Map.copyOf(new TreeMap<>(errors));
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  static LoadResult of(
      LoadOptions o, Histogram h, Map<String, Long> errors, long ok, long elapsedNanos) {
    return of(o, h, errors, ok, elapsedNanos, Map.of());
  }

  static LoadResult of(
      LoadOptions o,
      Histogram h,
      Map<String, Long> errors,
      long ok,
      long elapsedNanos,
      Map<String, Number> details) {
    boolean empty = h.getTotalCount() == 0;
    return new LoadResult(
        o.label(),
        o.workloadName(),
        // The watch workloads scale with their watchers; their putters are in the details.
        o.workload().clientsAreWatchers() ? o.params().watchers() : o.clients(),
        o.conns(),
        o.endpoints().size(),
        ok,
        errors,
        elapsedNanos,
        empty ? 0 : h.getMean(),
        empty ? 0 : h.getValueAtPercentile(50),
        empty ? 0 : h.getValueAtPercentile(90),
        empty ? 0 : h.getValueAtPercentile(99),
        empty ? 0 : h.getValueAtPercentile(99.9),
        empty ? 0 : h.getMaxValue(),
        details);
  }

  /**
   * This result with the outcome of a {@code --check-hashkv} check: the revision hashed in the
   * details, and a mismatch or a check that failed among the errors.
   */
  LoadResult withHashKv(HashKvCheck.Outcome check) {
    Map<String, Long> e = new TreeMap<>(errors);
    check.errors().forEach((kind, n) -> e.merge(kind, n, Long::sum));
    Map<String, Number> d = new LinkedHashMap<>(details);
    d.put("hashkv_revision", check.revision());
    return new LoadResult(
        label,
        workload,
        clients,
        conns,
        endpoints,
        ok,
        e,
        elapsedNanos,
        meanMicros,
        p50Micros,
        p90Micros,
        p99Micros,
        p999Micros,
        maxMicros,
        d);
  }

  long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Successful requests per second. */
  double throughput() {
    return elapsedNanos == 0 ? 0 : ok * 1e9 / elapsedNanos;
  }

  /** One JSON object on one line. */
  String toJson() {
    StringBuilder err = new StringBuilder("{");
    new TreeMap<>(errors)
        .forEach(
            (k, v) -> {
              if (err.length() > 1) {
                err.append(',');
              }
              err.append('"').append(k).append("\":").append(v);
            });
    err.append('}');
    StringBuilder det = new StringBuilder("{");
    details.forEach(
        (k, v) -> {
          if (det.length() > 1) {
            det.append(',');
          }
          det.append('"').append(k).append("\":").append(number(v));
        });
    det.append('}');
    return String.format(
        Locale.ROOT,
        "{\"label\":\"%s\",\"workload\":\"%s\",\"clients\":%d,\"conns\":%d,\"endpoints\":%d,"
            + "\"ok\":%d,\"errors\":%s,\"elapsed_s\":%.3f,\"throughput\":%.1f,"
            + "\"latency_us\":{\"mean\":%.1f,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"p99_9\":%d,"
            + "\"max\":%d},\"details\":%s}",
        label.replace("\"", "'"),
        workload,
        clients,
        conns,
        endpoints,
        ok,
        err,
        elapsedNanos / 1e9,
        throughput(),
        meanMicros,
        p50Micros,
        p90Micros,
        p99Micros,
        p999Micros,
        maxMicros,
        det);
  }

  /** Whole numbers as integers, others with one decimal. */
  private static String number(Number n) {
    return n instanceof Double || n instanceof Float
        ? String.format(Locale.ROOT, "%.1f", n.doubleValue())
        : Long.toString(n.longValue());
  }

  /** The details as {@code name value, ...}, or {@code -} when there are none. */
  String detailText() {
    if (details.isEmpty()) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    details.forEach(
        (k, v) -> b.append(b.length() > 0 ? ", " : "").append(k).append(' ').append(number(v)));
    return b.toString();
  }

  static String markdownHeader() {
    return "| target | workload | clients | conns | requests | errors | req/s | p50 ms | p90 ms"
        + " | p99 ms | p99.9 ms | max ms | details |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";
  }

  String markdownRow() {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d | %d | %d | %d | %.0f | %s | %s | %s | %s | %s | %s |",
        label.isEmpty() ? "-" : label,
        workload,
        clients,
        conns,
        ok,
        errorCount(),
        throughput(),
        millis(p50Micros),
        millis(p90Micros),
        millis(p99Micros),
        millis(p999Micros),
        millis(maxMicros),
        detailText());
  }

  /** Microseconds as milliseconds with two decimals ({@code 1234} is {@code 1.23}). */
  static String millis(long micros) {
    return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
  }
}
