package io.strata.bench.load;

/** What each request of a run does. */
enum Workload {
  /** A Put of one key from the key space. */
  PUT,
  /** A single-key Range (a get) of one key from the key space. */
  RANGE;

  String flagName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
