package io.strata.bench.load;

import java.util.Locale;

/** What each request of a run does; the command name is the constant in lower case with dashes. */
enum Workload {
  /** A Put of one key from the key space. */
  PUT,
  /** A single-key Range (a get) of one key from the key space. */
  RANGE,
  /** A Txn of {@code --txn-ops} puts of distinct keys from the key space. */
  TXN_PUT,
  /** Ranges and Txn puts mixed {@code --rw-ratio} reads per write, reported as one row. */
  TXN_MIXED,
  /** LeaseKeepAlive on a bidi stream per client, one request in flight, for one granted lease. */
  LEASE_KEEPALIVE,
  /**
   * etcd's {@code benchmark watch}: {@code --streams} times {@code --watch-per-stream} watchers of
   * {@code --watched-key-total} keys, created (and timed) first, then {@code --put-total} puts to
   * those keys, each timed until every watcher of its key receives it.
   */
  WATCH,
  /** Puts to one key at {@code --put-rate}, timed until each of {@code --watchers} receives it. */
  WATCH_LATENCY,
  /**
   * A Kubernetes-like mix: list with a limit on a prefix, create (Txn: mod_revision 0), update
   * (Txn: mod_revision as last written), with a prefix watch that must see every write.
   */
  K8S;

  /**
   * Whether a {@code compare} run's client count is its watchers (one putter writes) and a result's
   * clients are the watchers.
   */
  boolean clientsAreWatchers() {
    return this == WATCH || this == WATCH_LATENCY;
  }

  String flagName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The workload whose command name is {@code name}, or null. */
  static @org.jspecify.annotations.Nullable Workload byFlagName(String name) {
    for (Workload w : values()) {
      if (w.flagName().equals(name)) {
        return w;
      }
    }
    return null;
  }
}
