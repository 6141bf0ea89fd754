package io.strata.bench.load;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One load run, with etcd {@code tools/benchmark} flag names and defaults where they exist.
 *
 * @param endpoints {@code host:port} (an {@code http://} prefix is accepted); connection {@code i}
 *     goes to endpoint {@code i mod endpoints.size()}
 * @param conns gRPC channels; client {@code i} uses channel {@code i mod conns}
 * @param clients concurrent clients, each with one request outstanding at a time
 * @param total requests to issue; 0 means run for {@code duration}
 * @param duration run length, or null to stop after {@code total}
 * @param keySpaceSize keys are drawn from {@code [0, keySpaceSize)}
 * @param sequentialKeys put keys {@code 0, 1, 2, ...} (mod the key space) instead of at random
 */
record LoadOptions(
    Workload workload,
    List<String> endpoints,
    int conns,
    int clients,
    long total,
    @Nullable Duration duration,
    int keySize,
    int valSize,
    int keySpaceSize,
    boolean sequentialKeys,
    Consistency consistency,
    Duration requestTimeout,
    @Nullable String jsonOut,
    String label) {

  static final Set<String> VALUED =
      Set.of(
          "endpoints",
          "conns",
          "clients",
          "total",
          "duration",
          "key-size",
          "val-size",
          "key-space-size",
          "consistency",
          "request-timeout",
          "json",
          "label");
  static final Set<String> BOOLEANS = Set.of("sequential-keys");

  LoadOptions {
    Objects.requireNonNull(workload, "workload");
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("--endpoints must name at least one endpoint");
    }
    if (conns < 1 || clients < 1) {
      throw new IllegalArgumentException("--conns and --clients must be at least 1");
    }
    if (total <= 0 && duration == null) {
      throw new IllegalArgumentException("give --total or --duration");
    }
    if (keySize < 1 || valSize < 0 || keySpaceSize < 1) {
      throw new IllegalArgumentException(
          "--key-size and --key-space-size must be at least 1, --val-size at least 0");
    }
  }

  /** Parses the flags of {@code put} or {@code range} (see {@link LoadMain#usage()}). */
  static LoadOptions parse(Workload workload, List<String> argv) {
    Args a = Args.parse(argv, VALUED, BOOLEANS);
    if (!a.positional().isEmpty()) {
      throw new IllegalArgumentException("unexpected argument '" + a.positional().get(0) + "'");
    }
    Duration duration = a.duration("duration", null);
    long total = a.longValue("total", duration == null ? 10_000 : 0, 0, Long.MAX_VALUE);
    return new LoadOptions(
        workload,
        splitEndpoints(a.string("endpoints", "127.0.0.1:2379")),
        a.intValue("conns", 1, 1, 10_000),
        a.intValue("clients", 1, 1, 100_000),
        total,
        duration,
        a.intValue("key-size", 8, 1, 1 << 20),
        a.intValue("val-size", 8, 0, 64 << 20),
        a.intValue("key-space-size", 1, 1, Integer.MAX_VALUE),
        a.bool("sequential-keys"),
        Consistency.of(a.string("consistency", "l")),
        Objects.requireNonNull(a.duration("request-timeout", Duration.ofSeconds(10))),
        a.stringOrNull("json"),
        a.string("label", ""));
  }

  static List<String> splitEndpoints(String s) {
    return java.util.Arrays.stream(s.split(","))
        .map(String::trim)
        .filter(e -> !e.isEmpty())
        .map(e -> e.replaceFirst("^[a-z]+://", ""))
        .toList();
  }

  /** A copy aimed at other endpoints with another label (used by {@code compare}). */
  LoadOptions withTarget(List<String> newEndpoints, String newLabel) {
    return new LoadOptions(
        workload,
        newEndpoints,
        conns,
        clients,
        total,
        duration,
        keySize,
        valSize,
        keySpaceSize,
        sequentialKeys,
        consistency,
        requestTimeout,
        jsonOut,
        newLabel);
  }

  /** A copy that runs for {@code d} and issues no fixed total (warm-up). */
  LoadOptions withDuration(Duration d) {
    return new LoadOptions(
        workload,
        endpoints,
        conns,
        clients,
        0,
        d,
        keySize,
        valSize,
        keySpaceSize,
        sequentialKeys,
        consistency,
        requestTimeout,
        jsonOut,
        label);
  }

  /** Short name of the workload: {@code put}, {@code range-l} or {@code range-s}. */
  String workloadName() {
    return workload == Workload.PUT ? "put" : "range-" + consistency.letter();
  }
}
