package io.strata.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * One run of a {@code compare} sweep, written {@code workload:clients[:conns]} with workload {@code
 * put}, {@code range-l}, {@code range-s}, {@code txn-put}, {@code txn-mixed}, {@code
 * lease-keepalive}, {@code watch}, {@code watch-latency} or {@code k8s} (for example {@code
 * put:256:16}). Conns default to the clients, at most 16. For {@code watch} and {@code
 * watch-latency} the clients are the watchers (one putter writes), so {@code watch-latency:1000:16}
 * is 1,000 watchers over 16 connections; {@code watch} spreads them over the sweep's {@code
 * --streams} as evenly as they divide.
 */
record RunSpec(Workload workload, Consistency consistency, int clients, int conns) {

  static List<RunSpec> parseList(String s) {
    List<RunSpec> specs = new ArrayList<>();
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        specs.add(parse(part.trim()));
      }
    }
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("--runs names no run");
    }
    return specs;
  }

  static RunSpec parse(String s) {
    String[] f = s.split(":");
    if (f.length < 2 || f.length > 3) {
      throw new IllegalArgumentException("run '" + s + "' is not workload:clients[:conns]");
    }
    Workload w;
    Consistency c = Consistency.LINEARIZABLE;
    switch (f[0]) {
      case "range", "range-l" -> w = Workload.RANGE;
      case "range-s" -> {
        w = Workload.RANGE;
        c = Consistency.SERIALIZABLE;
      }
      default -> {
        Workload named = Workload.byFlagName(f[0]);
        if (named == null || named == Workload.RANGE) {
          throw new IllegalArgumentException(
              "run '"
                  + s
                  + "': workload must be put, range-l, range-s, txn-put, txn-mixed,"
                  + " lease-keepalive, watch, watch-latency or k8s");
        }
        w = named;
      }
    }
    try {
      int clients = Integer.parseInt(f[1]);
      int conns = f.length == 3 ? Integer.parseInt(f[2]) : Math.min(clients, 16);
      if (clients < 1 || conns < 1) {
        throw new IllegalArgumentException("run '" + s + "': clients and conns must be >= 1");
      }
      return new RunSpec(w, c, clients, conns);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("run '" + s + "': clients and conns must be numbers", e);
    }
  }

  /** The load options of this run, from the sweep's shared options. */
  LoadOptions apply(LoadOptions shared) {
    boolean watch = workload.clientsAreWatchers();
    return new LoadOptions(
        workload,
        shared.endpoints(),
        conns,
        watch ? 1 : clients,
        shared.total(),
        shared.duration(),
        shared.keySize(),
        shared.valSize(),
        shared.keySpaceSize(),
        shared.sequentialKeys(),
        consistency,
        shared.rate(),
        shared.requestTimeout(),
        null,
        shared.label(),
        watch ? shared.params().withWatchers(clients) : shared.params(),
        shared.checkHashKv());
  }

  /**
   * This run for a cluster's warm-up: at least 16 clients over at least as many connections (up to
   * 16), so that the servers' hot paths get compiled in seconds rather than minutes. Watch runs,
   * whose clients are watchers, stay as they are.
   */
  RunSpec forWarmUp() {
    if (workload.clientsAreWatchers() || clients >= 16) {
      return this;
    }
    return new RunSpec(workload, consistency, 16, Math.max(conns, 16));
  }

  /** The workload as the run names it: {@code put}, {@code range-l}, {@code range-s}, ... */
  String workloadName() {
    return workload == Workload.RANGE ? "range-" + consistency.letter() : workload.flagName();
  }

  @Override
  public String toString() {
    return workloadName() + ":" + clients + ":" + conns;
  }
}
