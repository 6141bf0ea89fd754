package io.strata.server.config;

import java.time.Duration;

/**
 * How the leader looks after leases.
 *
 * @param tick how often the leader looks for expired leases; a lease is revoked at most this late
 *     (plus one commit) after its deadline. etcd looks every 500 ms.
 * @param checkpointInterval how often the leader writes the remaining TTL of every aging lease into
 *     the log. Members resume leases from the last checkpoint when they load them from disk
 *     (restart, snapshot install), so this bounds how late a lease can expire after the whole
 *     cluster restarts. A leader change does not depend on it: followers track deadlines from each
 *     grant, renewal and checkpoint they apply. etcd checkpoints every 5 minutes; we use 5 seconds,
 *     at most one command per 1000 leases per interval.
 */
public record LeaseConfig(Duration tick, Duration checkpointInterval) {

  public LeaseConfig {
    if (tick.isNegative() || tick.isZero()) {
      throw new ConfigException("lease.tick must be positive, got " + tick);
    }
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new ConfigException(
          "lease.checkpoint-interval must be positive, got " + checkpointInterval);
    }
  }

  public static LeaseConfig defaults() {
    return new LeaseConfig(Duration.ofMillis(100), Duration.ofSeconds(5));
  }
}
