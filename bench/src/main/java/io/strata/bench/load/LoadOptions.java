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
 * @param rate requests per second over all clients, 0 for no limit (etcd's {@code --rate}); puts
 *     per second for {@code watch}; {@code watch-latency} paces its puts by {@link
 *     WorkloadParams#putRate()} instead, see {@link #requestRate()}
 * @param label the Markdown row's label
 * @param params what only some workloads use (txn size, read ratio, watchers, lease TTL)
 * @param checkHashKv after the run, compare the members' HashKV at one revision ({@link
 *     HashKvCheck})
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
    int rate,
    Duration requestTimeout,
    @Nullable String jsonOut,
    String label,
    WorkloadParams params,
    boolean checkHashKv) {

  /** Flags every workload takes. */
  static final Set<String> COMMON_VALUED =
      Set.of(
          "endpoints",
          "conns",
          "clients",
          "total",
          "duration",
          "key-size",
          "val-size",
          "key-space-size",
          "rate",
          "request-timeout",
          "json",
          "label");

  static final Set<String> BOOLEANS = Set.of("sequential-keys", "check-hashkv");

  /** The most watchers a run may open. */
  static final int MAX_WATCHERS = 1_000_000;

  /** The highest {@code --rate} and {@code --put-rate}: one request per 100 ns. */
  static final int MAX_RATE = 10_000_000;

  /** Flags only some workloads take, so that a flag the workload would ignore fails instead. */
  static Set<String> valuedFlags(Workload w) {
    Set<String> flags = new java.util.HashSet<>(COMMON_VALUED);
    switch (w) {
      case PUT -> {}
      case RANGE -> flags.add("consistency");
      case TXN_PUT -> flags.add("txn-ops");
      case TXN_MIXED -> flags.addAll(List.of("txn-ops", "rw-ratio", "consistency"));
      case LEASE_KEEPALIVE -> flags.add("lease-ttl");
      case WATCH ->
          flags.addAll(
              List.of("streams", "watch-per-stream", "watched-key-total", "put-total", "put-rate"));
      case WATCH_LATENCY -> flags.addAll(List.of("watchers", "streams", "put-rate"));
      case K8S -> flags.add("consistency");
    }
    return Set.copyOf(flags);
  }

  /**
   * Settings only some workloads read; the others ignore them.
   *
   * @param txnOps puts per Txn ({@code txn-put}, and the writes of {@code txn-mixed})
   * @param readsPerWrite {@code txn-mixed}: Ranges per Txn put (etcd's {@code --rw-ratio})
   * @param watchers {@code watch-latency}: watchers on the one key; {@code watch}: watchers in all
   *     ({@code --streams} times {@code --watch-per-stream})
   * @param streams {@code watch-latency}, {@code watch}: Watch streams the watchers are spread over
   *     (at most {@code watchers})
   * @param putRate {@code watch-latency}: puts per second over all putters; 0 for no limit
   * @param leaseTtlSeconds {@code lease-keepalive}: TTL of each client's lease
   * @param watchedKeys {@code watch}: keys to watch (etcd's {@code --watched-key-total}); watcher
   *     {@code i} watches key {@code i mod watchedKeys}
   */
  record WorkloadParams(
      int txnOps,
      double readsPerWrite,
      int watchers,
      int streams,
      int putRate,
      long leaseTtlSeconds,
      int watchedKeys) {
    static final WorkloadParams DEFAULTS = new WorkloadParams(1, 1.0, 100, 10, 100, 60, 1);

    /** etcd's {@code benchmark watch} default of {@code --watch-per-stream}. */
    static final int DEFAULT_WATCH_PER_STREAM = 100;

    WorkloadParams {
      if (txnOps < 1
          || watchers < 1
          || streams < 1
          || putRate < 0
          || leaseTtlSeconds < 1
          || watchedKeys < 1) {
        throw new IllegalArgumentException(
            "--txn-ops, --watchers, --streams, --watched-key-total and --lease-ttl must be at"
                + " least 1, --put-rate at least 0");
      }
      if (!(readsPerWrite >= 0) || Double.isInfinite(readsPerWrite)) {
        throw new IllegalArgumentException("--rw-ratio must be a number >= 0");
      }
      if (streams > watchers) {
        throw new IllegalArgumentException("--streams must not exceed --watchers");
      }
    }

    /** These parameters with {@code watch-latency} putting at {@code rate} puts per second. */
    WorkloadParams withPutRate(int rate) {
      return new WorkloadParams(
          txnOps, readsPerWrite, watchers, streams, rate, leaseTtlSeconds, watchedKeys);
    }

    /** These parameters with {@code n} watchers, the streams capped at {@code n}. */
    WorkloadParams withWatchers(int n) {
      return new WorkloadParams(
          txnOps, readsPerWrite, n, Math.min(streams, n), putRate, leaseTtlSeconds, watchedKeys);
    }

    /**
     * Parses the workload flags in {@code a}; absent ones keep their defaults.
     *
     * @param perStream whether the watchers are given per stream ({@code watch}, as etcd's {@code
     *     --watch-per-stream}) rather than in all ({@code --watchers})
     */
    static WorkloadParams parse(Args a, boolean perStream) {
      int watchers;
      int streams;
      if (perStream) {
        streams = a.intValue("streams", DEFAULTS.streams(), 1, MAX_WATCHERS);
        long all =
            (long) streams
                * a.intValue("watch-per-stream", DEFAULT_WATCH_PER_STREAM, 1, MAX_WATCHERS);
        if (all > MAX_WATCHERS) {
          throw new IllegalArgumentException(
              "--streams times --watch-per-stream must be at most " + MAX_WATCHERS);
        }
        watchers = (int) all;
      } else {
        watchers = a.intValue("watchers", DEFAULTS.watchers(), 1, MAX_WATCHERS);
        streams = a.intValue("streams", Math.min(DEFAULTS.streams(), watchers), 1, MAX_WATCHERS);
      }
      return new WorkloadParams(
          a.intValue("txn-ops", DEFAULTS.txnOps(), 1, 10_000),
          a.doubleValue("rw-ratio", DEFAULTS.readsPerWrite()),
          watchers,
          streams,
          a.intValue("put-rate", DEFAULTS.putRate(), 0, MAX_RATE),
          a.longValue("lease-ttl", DEFAULTS.leaseTtlSeconds(), 1, 9_000_000_000L),
          a.intValue("watched-key-total", DEFAULTS.watchedKeys(), 1, MAX_WATCHERS));
    }
  }

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
    if (rate < 0) {
      throw new IllegalArgumentException("--rate must be at least 0");
    }
    if (keySize < 1 || valSize < 0 || keySpaceSize < 1) {
      throw new IllegalArgumentException(
          "--key-size and --key-space-size must be at least 1, --val-size at least 0");
    }
    Objects.requireNonNull(params, "params");
    if ((workload == Workload.TXN_PUT || workload == Workload.TXN_MIXED)
        && params.txnOps() > keySpaceSize) {
      // A Txn may not put the same key twice, so its puts need that many distinct keys.
      throw new IllegalArgumentException("--txn-ops must not exceed --key-space-size");
    }
    if (workload.clientsAreWatchers() && valSize < Long.BYTES) {
      // Each put carries its sequence number in the value, so a watcher can time it.
      throw new IllegalArgumentException(workload.flagName() + " needs --val-size of at least 8");
    }
  }

  /** Parses the flags of one workload command (see {@link LoadMain#usage()}). */
  static LoadOptions parse(Workload workload, List<String> argv) {
    Args a = Args.parse(argv, valuedFlags(workload), BOOLEANS);
    if (!a.positional().isEmpty()) {
      throw new IllegalArgumentException("unexpected argument '" + a.positional().get(0) + "'");
    }
    Duration duration = a.duration("duration", null);
    // The watch workloads' total counts puts, each delivered to every watcher of its key: etcd's
    // --put-total, which watch also takes by that name.
    long defaultTotal = workload.clientsAreWatchers() ? 1_000 : 10_000;
    String totalFlag = aliased(a, "total", "put-total");
    long total = a.longValue(totalFlag, duration == null ? defaultTotal : 0, 0, Long.MAX_VALUE);
    // watch paces its puts by --rate, which etcd's benchmark watch spells --put-rate (default 0,
    // no limit); watch-latency keeps a put rate of its own, below.
    String rateFlag = workload == Workload.WATCH ? aliased(a, "rate", "put-rate") : "rate";
    int rate = a.intValue(rateFlag, 0, 0, MAX_RATE);
    WorkloadParams params = WorkloadParams.parse(a, workload == Workload.WATCH);
    if (workload == Workload.WATCH_LATENCY && a.has("rate")) {
      // etcd spells watch-latency's rate --put-rate; --rate names the same thing here.
      if (a.has("put-rate")) {
        throw new IllegalArgumentException("give --rate or --put-rate, not both");
      }
      params = params.withPutRate(rate);
    }
    return new LoadOptions(
        workload,
        splitEndpoints(a.string("endpoints", "127.0.0.1:2379")),
        a.intValue("conns", 1, 1, 10_000),
        a.intValue("clients", 1, 1, 100_000),
        total,
        duration,
        // etcd's benchmark watch defaults to 32-byte keys, its other commands to 8.
        a.intValue("key-size", workload == Workload.WATCH ? 32 : 8, 1, 1 << 20),
        a.intValue("val-size", 8, 0, 64 << 20),
        a.intValue("key-space-size", 1, 1, Integer.MAX_VALUE),
        a.bool("sequential-keys"),
        Consistency.of(a.string("consistency", "l")),
        rate,
        Objects.requireNonNull(a.duration("request-timeout", Duration.ofSeconds(10))),
        a.stringOrNull("json"),
        a.string("label", ""),
        params,
        a.bool("check-hashkv"));
  }

  /**
   * Which of two spellings of one flag was given: {@code name} unless only {@code alias} was.
   *
   * @throws IllegalArgumentException if both were
   */
  private static String aliased(Args a, String name, String alias) {
    if (a.has(name) && a.has(alias)) {
      throw new IllegalArgumentException("give --" + name + " or --" + alias + ", not both");
    }
    return a.has(alias) ? alias : name;
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
        rate,
        requestTimeout,
        jsonOut,
        newLabel,
        params,
        checkHashKv);
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
        rate,
        requestTimeout,
        jsonOut,
        label,
        params,
        checkHashKv);
  }

  /**
   * What the run's shared rate limiter allows, in requests per second over all clients (0: no
   * limit): {@code --put-rate} puts for {@code watch-latency}, whose requests are deliveries to
   * watchers and cannot be paced, and {@code --rate} requests for every other workload ({@code
   * watch}: puts, since its requests are deliveries too).
   */
  int requestRate() {
    return workload == Workload.WATCH_LATENCY ? params.putRate() : rate;
  }

  /** Short name of the workload: its command, with the consistency for range. */
  String workloadName() {
    return workload == Workload.RANGE ? "range-" + consistency.letter() : workload.flagName();
  }
}
