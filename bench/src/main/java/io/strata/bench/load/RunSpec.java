package io.strata.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * One run of a {@code compare} sweep, written {@code workload:clients[:conns]} with workload {@code
 * put}, {@code range-l} or {@code range-s} (for example {@code put:256:16}). Conns default to the
 * clients, at most 16.
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
      case "put" -> w = Workload.PUT;
      case "range", "range-l" -> w = Workload.RANGE;
      case "range-s" -> {
        w = Workload.RANGE;
        c = Consistency.SERIALIZABLE;
      }
      default ->
          throw new IllegalArgumentException(
              "run '" + s + "': workload must be put, range-l or range-s");
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
    return new LoadOptions(
        workload,
        shared.endpoints(),
        conns,
        clients,
        shared.total(),
        shared.duration(),
        shared.keySize(),
        shared.valSize(),
        shared.keySpaceSize(),
        shared.sequentialKeys(),
        consistency,
        shared.requestTimeout(),
        null,
        shared.label());
  }

  @Override
  public String toString() {
    String w = workload == Workload.PUT ? "put" : "range-" + consistency.letter();
    return w + ":" + clients + ":" + conns;
  }
}
